package api

import (
	"context"
	"fmt"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/service"
)

// CreateResult is the purchase API's answer.
type CreateResult struct {
	OrderID     string   `json:"order_id"`
	InstanceIDs []string `json:"instance_ids"`
}

// CreateBody is a purchase as the create API is sent it: the region it is
// made in and the exact JSON body. pkg/purchase's *Request is one. The
// client owns this shape and knows nothing of how a purchase is built or
// checked, so the models import pkg/api and pkg/api imports no model.
type CreateBody interface {
	// RegionID is the region the instances are bought in; it picks the
	// endpoint and the project.
	RegionID() string
	// Body is the request body, byte for byte as it will be sent.
	Body() ([]byte, error)
}

// PrepareCreate builds the purchase request exactly as it will be sent
// (without credentials): for sending and for --dry-run.
func (c *Client) PrepareCreate(clientRequestID string, r CreateBody) (*Prepared, error) {
	body, err := r.Body()
	if err != nil {
		return nil, err
	}
	return c.Prepare(&Op{Name: "create instances", Call: service.CreateInstances, Path: service.CreateInstances.PathOf(),
		Body: body, Scope: auth.ScopeProject, Region: r.RegionID(), RequestID: clientRequestID})
}

// CreateLightInstances places a purchase order, at most once: it is
// retried, always with the same Client-Request-Id, only when the server
// provably did not receive it (HTTP 429, or no connection could be made).
// After a 5xx, a timeout, a connection lost after sending, a redirect or an
// interrupt it returns an *UnknownOutcomeError.
func (c *Client) CreateLightInstances(ctx context.Context, p *Prepared) (*CreateResult, error) {
	resp, err := c.DoPrepared(ctx, p, AtMostOnce)
	if err != nil {
		return nil, err
	}
	var res CreateResult
	if err := DecodeJSON(resp.Body, &res); err != nil || !ValidID(res.OrderID) {
		return nil, &UnknownOutcomeError{Op: p.op.Name, RequestID: p.op.RequestID,
			Cause: fmt.Errorf("HTTP %d with an answer that has no usable order_id: %.200q", resp.Status, resp.Body)}
	}
	for _, id := range res.InstanceIDs {
		if !ValidID(id) {
			return nil, &UnknownOutcomeError{Op: p.op.Name, RequestID: p.op.RequestID,
				Cause: fmt.Errorf("HTTP %d: order %s was placed, but the answer has an unusable instance ID %.80q", resp.Status, res.OrderID, id)}
		}
	}
	return &res, nil
}
