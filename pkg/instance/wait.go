package instance

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/wait"
)

// WaitOptions tune WaitRunning.
type WaitOptions struct {
	Region   string        // where the instances were bought ("" = look in every region)
	Timeout  time.Duration // give up after this long (exit 5); 0 still looks once
	Interval time.Duration // the longest gap between listings
	Clock    wait.Clock
	OnEvent  func(wait.Event)
	What     string // "the instances of order CS..."
	Resume   string // the command that looks again
}

// Ready reports whether an instance is usable: RUNNING in RMS with a
// public IP.
func Ready(r *api.Resource) bool {
	return strings.EqualFold(r.Properties.Status, StatusRunning) && r.PublicIP() != ""
}

// failed is why an instance will not become ready, or "".
func failed(r *api.Resource) string {
	switch {
	case strings.EqualFold(r.ProvisioningState, "Failed"), strings.EqualFold(r.ProvisioningState, "Canceled"):
		return "RMS provisioning_state " + r.ProvisioningState
	case strings.EqualFold(r.State, "Deleted"):
		return "RMS state Deleted"
	}
	return ""
}

// WaitRunning follows ids with the one waiter (pkg/wait) until every one
// is RUNNING in RMS with a public IP: one RMS listing (every page) per
// poll. RMS lags behind a completed order, so an ID not listed yet is
// waited for. It returns the instances last seen, in the order of ids
// (those not listed are left out): all of them when it succeeds, what was
// visible when it does not. Ends: nil; exit 4 when RMS says an instance's
// provisioning failed or it was deleted; exit 5 when o.Timeout passes
// (with o.Resume); exit 130 when ctx is cancelled; transient errors (429,
// 5xx, network) ride through.
func WaitRunning(ctx context.Context, l Lister, ids []string, o WaitOptions) ([]api.Resource, error) {
	var last []api.Resource
	if len(ids) == 0 {
		return nil, nil
	}
	wo := wait.Options{Timeout: o.Timeout, Interval: o.Interval, Clock: o.Clock, OnEvent: o.OnEvent, What: o.What, Resume: o.Resume}
	if wo.What == "" {
		wo.What = "the instances"
	}
	_, err := wait.Until(ctx, wo, func(ctx context.Context) (wait.State, error) {
		rs, err := l.ListInstances(ctx, api.ListInstancesOptions{Region: o.Region})
		if err != nil {
			return wait.State{}, err
		}
		byID := make(map[string]*api.Resource, len(rs))
		for i := range rs {
			byID[rs[i].ID] = &rs[i]
		}
		last = last[:0]
		ready, listed := 0, 0
		var bad []string
		for _, id := range ids {
			r, ok := byID[id]
			if !ok {
				continue
			}
			listed++
			last = append(last, *r)
			if Ready(r) {
				ready++
			} else if why := failed(r); why != "" {
				bad = append(bad, fmt.Sprintf("%s (%s)", id, why))
			}
		}
		st := wait.State{Text: progressText(len(ids), listed, ready)}
		switch {
		case len(bad) > 0:
			st.Done, st.Failed = true, exitcode.Errorf(exitcode.OrderFailed, "instance(s) will not run: %s", strings.Join(bad, ", "))
		case ready == len(ids):
			st.Done = true
		}
		return st, nil
	})
	return append([]api.Resource(nil), last...), err
}

func progressText(total, listed, ready int) string {
	s := fmt.Sprintf("%d/%d running with a public IP", ready, total)
	if listed < total {
		s += fmt.Sprintf(", %d not listed yet", total-listed)
	}
	return s
}
