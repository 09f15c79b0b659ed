package cmdutil

import (
	"context"
	"errors"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/attempt"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/purchase"
	"github.com/flexusl/flexusl/pkg/ui"
)

// Purchase sends a prepared purchase (POST /v1/light-instances) at most
// once, the one way `instance buy` and `apply` buy, through the attempt
// runner (pkg/attempt): journaled (synced) before the request leaves, so
// a closed terminal, a kill or a power cut from then on leaves it in the
// journal as unknown (no journal, no purchase); the client owns the retry
// policy (only 429 and requests that provably never left are retried,
// with the same Client-Request-Id); the outcome is journaled before
// anything about it is printed. An unknown outcome comes back with the
// advice never to repeat it blindly (exit 1, or 130 when interrupted).
func Purchase(ctx context.Context, f *Factory, client *api.Client, prep *api.Prepared, req *purchase.Request, crid string) (*api.CreateResult, error) {
	var res *api.CreateResult
	r := f.Run(attempt.Call{Kind: journal.KindPurchase, RequestID: crid, Operation: prep.Op().Call.String(), Region: req.Region,
		Name: req.InstanceName, Spec: req.PlanSpec, Image: req.ImageLabel(), Quantity: req.Quantity(), Subject: "The purchase"},
		func(string) attempt.Answer {
			var progress *ui.Progress
			if f.IO.IsStderrTTY() {
				progress = f.IO.StartProgress("placing the order...")
			}
			var err error
			res, err = client.CreateLightInstances(ctx, prep)
			if progress != nil {
				progress.Stop()
			}
			return PurchaseAnswer(res, err)
		})
	if r.Err != nil {
		return nil, r.Err
	}
	return res, nil
}

// PurchaseAnswer is what the journal records of a purchase's answer: the
// order and instances it placed, or (outcome unknown) the cause.
func PurchaseAnswer(res *api.CreateResult, err error) attempt.Answer {
	if err == nil {
		return attempt.Answer{OrderIDs: []string{res.OrderID}, ResourceIDs: res.InstanceIDs}
	}
	a := attempt.Answer{Err: err}
	var unknown *api.UnknownOutcomeError
	if errors.As(err, &unknown) {
		a.Journaled = unknown.Cause.Error()
	}
	return a
}
