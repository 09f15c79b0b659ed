package cmdutil

import (
	"context"
	"errors"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/google/uuid"
)

// alreadyOff is BSS's answer to turning off an auto-renewal that is off.
const alreadyOff = "CBC.99003605"

// AutoRenewCall is what one auto-renew change did.
type AutoRenewCall struct {
	RequestID  string // its Client-Request-Id
	Began      bool   // journaled (and so sent, or tried)
	AlreadyOff bool   // off asked, and BSS said it was off: not an error
	// Err is the failure: an unknown outcome carries the advice to look
	// (never repeat blindly); a journal that cannot be written means
	// nothing was sent (Began false).
	Err error
}

// SetAutoRenew turns the auto-renewal of FlexusL instance id on or off
// with BSS AutoRenewalResources / CancelAutoRenewalResources, at most
// once: journaled (kind auto-renew) before it is sent, its outcome before
// anything is printed. `instance auto-renew` and `apply` both change it
// this way.
func SetAutoRenew(ctx context.Context, f *Factory, client *api.Client, id, name, region string, on bool, body api.AutoRenewRequest) AutoRenewCall {
	c := AutoRenewCall{RequestID: uuid.NewString()}
	prep, err := client.PrepareAutoRenew(c.RequestID, id, on, body)
	if err != nil {
		c.Err = err
		return c
	}
	word := "off"
	if on {
		word = "on"
	}
	at, err := BeginAttempt(f, AttemptInfo{Kind: journal.KindAutoRenew, RequestID: c.RequestID, Operation: prep.Method + " " + api.AutoRenewPath + "{resource_id}",
		Region: region, Name: name + " " + word, ResourceIDs: []string{id}})
	if err != nil {
		c.Err = err
		return c
	}
	c.Began = true
	err = client.Send(ctx, prep)
	at.Finish(err, nil)
	var apiErr *api.Error
	switch {
	// Only a refusal (4xx) says "already off": the same code in a 5xx
	// answer is an unknown outcome like any other 5xx.
	case !on && !api.IsUnknownOutcome(err) && errors.As(err, &apiErr) && apiErr.StatusCode < 500 && apiErr.Code == alreadyOff:
		c.AlreadyOff = true // rejected: nothing changed
	case api.IsUnknownOutcome(err):
		c.Err = WithAdvice(err, UnknownAdviceFor(journal.KindAutoRenew, "The auto-renew change of "+id, c.RequestID, f.Clock().UTC().Format(time.RFC3339)))
	default:
		c.Err = err
	}
	return c
}
