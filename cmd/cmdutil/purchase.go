package cmdutil

import (
	"context"
	"errors"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/purchase"
	"github.com/flexusl/flexusl/pkg/ui"
)

// Purchase sends a prepared purchase (POST /v1/light-instances) at most
// once, the one way `instance buy` and `apply` buy: the attempt is
// journaled (synced) before the request leaves, so a closed terminal, a
// kill or a power cut from then on leaves it in the journal as unknown (no
// journal, no purchase); the client owns the retry policy (only 429 and
// requests that provably never left are retried, with the same
// Client-Request-Id); the outcome is journaled before anything about it is
// printed. An unknown outcome comes back with the advice never to repeat
// it blindly (exit 1, or 130 when interrupted).
func Purchase(ctx context.Context, f *Factory, client *api.Client, prep *api.Prepared, req *purchase.Request, crid string) (*api.CreateResult, error) {
	attempt, err := BeginAttempt(f, AttemptInfo{Kind: journal.KindPurchase,
		Operation: prep.Method + " " + api.CreatePath, RequestID: crid, Region: req.Region,
		Name: req.InstanceName, Spec: req.PlanSpec, Image: req.ImageLabel(), Quantity: req.Quantity()})
	if err != nil {
		return nil, err
	}
	var progress *ui.Progress
	if f.IO.IsStderrTTY() {
		progress = f.IO.StartProgress("placing the order...")
	}
	res, err := client.CreateLightInstances(ctx, prep)
	if progress != nil {
		progress.Stop()
	}
	attempt.Record(PurchaseOutcome(res, err))
	if api.IsUnknownOutcome(err) {
		return nil, WithAdvice(err, UnknownAdvice("The purchase", crid, attempt.Time().Format(time.RFC3339)))
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// PurchaseOutcome is what the journal records of a purchase's answer, in
// the same states as every other at-most-once call (OutcomeOf).
func PurchaseOutcome(res *api.CreateResult, err error) journal.Outcome {
	if err == nil {
		return journal.Outcome{State: journal.StateAccepted, OrderIDs: []string{res.OrderID}, ResourceIDs: res.InstanceIDs}
	}
	o := journal.Outcome{State: OutcomeOf(err), Error: FirstLine(err.Error())}
	var unknown *api.UnknownOutcomeError
	if errors.As(err, &unknown) {
		o.Error = FirstLine(unknown.Cause.Error())
	}
	return o
}
