package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/purchase"
)

// CreatePath is the purchase API's path.
const CreatePath = "/v1/light-instances"

// CreateResult is the purchase API's answer.
type CreateResult struct {
	OrderID     string   `json:"order_id"`
	InstanceIDs []string `json:"instance_ids"`
}

// PrepareCreate builds the purchase request exactly as it will be sent
// (without credentials): for sending and for --dry-run.
func (c *Client) PrepareCreate(clientRequestID string, r *purchase.Request) (*Prepared, error) {
	body, err := r.Body()
	if err != nil {
		return nil, err
	}
	p := c.prepare("create instances", http.MethodPost, strings.TrimRight(c.Endpoint, "/")+CreatePath, body, auth.ScopeProject)
	p.Header.Set("Client-Request-Id", clientRequestID)
	return p, nil
}

// CreateLightInstances places a purchase order. It is retried, always with
// the same Client-Request-Id, only when the server provably did not receive
// it: HTTP 429, or no connection could be made. After a 5xx, a timeout, a
// connection lost after sending or an interrupt it returns an
// *UnknownOutcomeError and does not retry.
func (c *Client) CreateLightInstances(ctx context.Context, p *Prepared) (*CreateResult, error) {
	crid := p.Header.Get("Client-Request-Id")
	for try := 0; ; try++ {
		a := c.send(ctx, p)
		if a.err != nil {
			switch {
			case !a.connected && ctx.Err() != nil:
				return nil, &NotSentError{URL: p.URL, Cause: ctx.Err()}
			case !a.connected && try < c.MaxRetries:
				d := backoff(try, nil)
				c.notify("could not connect (%v); nothing was sent; retry %d/%d in %s with the same Client-Request-Id", a.err, try+1, c.MaxRetries, d.Round(10*time.Millisecond))
				if err := c.sleep(ctx, d); err != nil {
					return nil, &NotSentError{URL: p.URL, Cause: err}
				}
				continue
			case !a.connected:
				return nil, &NotSentError{URL: p.URL, Cause: a.err}
			case ctx.Err() != nil:
				return nil, &UnknownOutcomeError{ClientRequestID: crid, Cause: fmt.Errorf("%w while waiting for the answer", errInterrupted)}
			default:
				return nil, &UnknownOutcomeError{ClientRequestID: crid, Cause: a.err}
			}
		}
		status := a.resp.StatusCode
		switch {
		case status >= 200 && status < 300:
			var res CreateResult
			if err := json.Unmarshal(a.body, &res); err != nil || res.OrderID == "" {
				return nil, &UnknownOutcomeError{ClientRequestID: crid, Cause: fmt.Errorf("HTTP %d with an answer that has no order_id: %.200q", status, a.body)}
			}
			return &res, nil
		case status == http.StatusTooManyRequests && try < c.MaxRetries:
			d := backoff(try, a.resp)
			c.notify("rate limited (HTTP 429): the order was not placed; retry %d/%d in %s with the same Client-Request-Id", try+1, c.MaxRetries, d.Round(10*time.Millisecond))
			if err := c.sleep(ctx, d); err != nil {
				return nil, &NotSentError{URL: p.URL, Cause: errors.Join(errInterrupted, err)}
			}
		case status >= 500:
			return nil, &UnknownOutcomeError{ClientRequestID: crid, Cause: decodeError("create instances", status, a.body)}
		default:
			return nil, decodeError("create instances", status, a.body)
		}
	}
}
