package cmdutil

import (
	"context"
	"errors"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/attempt"
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
	r := f.Run(attempt.Call{Kind: journal.KindAutoRenew, RequestID: c.RequestID, Operation: prep.Op().Call.String(),
		Region: region, Name: name + " " + word, ResourceIDs: []string{id}, Subject: "The auto-renew change of " + id},
		func(string) attempt.Answer { return attempt.Answer{Err: client.Send(ctx, prep)} })
	c.Began = r.Began
	var apiErr *api.Error
	switch {
	// Only a refusal (4xx) says "already off": the same code in a 5xx
	// answer is an unknown outcome like any other 5xx.
	case !on && r.State == journal.StateRejected && errors.As(r.Err, &apiErr) && apiErr.StatusCode < 500 && apiErr.Code == alreadyOff:
		c.AlreadyOff = true // rejected: nothing changed
	default:
		c.Err = r.Err
	}
	return c
}
