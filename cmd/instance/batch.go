package instancecmd

import (
	"context"
	"strings"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/attempt"
	"github.com/flexusl/flexusl/pkg/billing"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/order"
	"github.com/flexusl/flexusl/pkg/output"
	"github.com/flexusl/flexusl/pkg/price"
	"github.com/flexusl/flexusl/pkg/resolve"
	"github.com/google/uuid"
)

// OrdersResult is what `instance renew` and `instance delete` print: the
// orders placed, and the instances that were not taken with why.
type OrdersResult struct {
	OrderIDs []string       `json:"order_ids"`
	Failed   []Failed       `json:"failed"`
	Orders   []*order.View  `json:"orders,omitempty"` // with --wait: each order as last seen
	Price    *price.Renewal `json:"price"`            // renew: what BSS quoted before renewing

	rows []orderRow
}

// Failed is an instance a call did not take, or whose call's outcome is
// unknown.
type Failed struct {
	ID    string `json:"id"`
	Error string `json:"error"`
}

type orderRow struct {
	orderID string
	ids     []string
}

// add records an accepted call's answer: the orders it placed, with the
// instances of chunk each covers, and those BSS named as failed.
func (res *OrdersResult) add(chunk []string, out *api.OrdersResult) {
	failed := map[string]bool{}
	for _, fi := range out.FailResourceInfos {
		failed[fi.ResourceID] = true
		res.Failed = append(res.Failed, Failed{ID: fi.ResourceID, Error: fi.Error()})
	}
	var taken []string
	for _, id := range chunk {
		if !failed[id] {
			taken = append(taken, id)
		}
	}
	for _, oid := range out.OrderIDs {
		res.OrderIDs = append(res.OrderIDs, oid)
		res.rows = append(res.rows, orderRow{orderID: oid, ids: taken})
	}
}

// batch is a renew or unsubscribe over instances: one at-most-once call per
// at most billing.MaxIDsPerCall instances, each journaled.
type batch struct {
	kind    string // journal.KindRenew or KindUnsubscribe
	what    string // "the renewal", for the unknown-outcome advice
	prepare func(c *api.Client, requestID string, ids []string) (*api.Prepared, error)
	send    func(ctx context.Context, c *api.Client, p *api.Prepared) (*api.OrdersResult, error)
}

// dryRun prints the calls the batch would send (split at the per-call
// limit), with no credentials and nothing sent.
func (b batch) dryRun(f *cmdutil.Factory, what string, targets []api.Resource) error {
	bare, err := f.BareClient()
	if err != nil {
		return err
	}
	var preps []*api.Prepared
	for _, chunk := range billing.Split(ids(targets), billing.MaxIDsPerCall) {
		p, err := b.prepare(bare, cmdutil.DryRunRequestID, chunk)
		if err != nil {
			return err
		}
		preps = append(preps, p)
	}
	return f.PrintDryRuns(what, preps)
}

// run sends the calls in order. After an unknown outcome or an interrupt
// it sends no more (the rest are listed as not sent). It returns the
// result (nil when nothing was sent) and the error the run ends with.
func (b batch) run(ctx context.Context, f *cmdutil.Factory, client *api.Client, targets []api.Resource) (*OrdersResult, error) {
	res := &OrdersResult{OrderIDs: []string{}, Failed: []Failed{}}
	chunks := billing.Split(ids(targets), billing.MaxIDsPerCall)
	byID := map[string]api.Resource{}
	for _, t := range targets {
		byID[t.ID] = t
	}
	var unknown, stop, lastErr error
	var seq attempt.Sequence // no call after an unknown outcome or an interrupt
	refused := 0
	taken := map[string]bool{} // answered by BSS (in an order or in fail_resource_infos)
	for i, chunk := range chunks {
		if why := seq.Skip(ctx); why != "" {
			if why == attempt.NotSentInterrupted && stop == nil {
				stop = exitcode.Errorf(exitcode.Interrupted, "interrupted: %d call(s) not sent", len(chunks)-i)
			}
			for _, id := range chunk {
				res.Failed = append(res.Failed, Failed{ID: id, Error: why})
			}
			continue
		}
		crid := uuid.NewString()
		p, err := b.prepare(client, crid, chunk)
		if err != nil {
			return nil, err
		}
		names := make([]string, len(chunk))
		for j, id := range chunk {
			names[j] = byID[id].Name
		}
		if len(chunks) > 1 {
			f.IO.Infof("call %d of %d: %d instance(s)", i+1, len(chunks), len(chunk))
		}
		var out *api.OrdersResult
		r := f.Run(attempt.Call{Kind: b.kind, RequestID: crid, Operation: p.Op().Call.String(),
			Region: commonRegion(chunk, byID), Name: strings.Join(names, ","), ResourceIDs: chunk,
			Subject: strings.ToUpper(b.what[:1]) + b.what[1:] + " of " + strings.Join(chunk, ", ")},
			func(string) attempt.Answer {
				var err error
				out, err = b.send(ctx, client, p)
				if err != nil {
					return attempt.Answer{Err: err}
				}
				return attempt.Answer{OrderIDs: out.OrderIDs}
			})
		if !r.Began {
			if i == 0 {
				return nil, r.Err
			}
			stop, lastErr = r.Err, r.Err
			seq.Stop("not sent: " + cmdutil.FirstLine(r.Err.Error()))
			for _, id := range chunk {
				res.Failed = append(res.Failed, Failed{ID: id, Error: "not sent: " + cmdutil.FirstLine(r.Err.Error())})
			}
			continue
		}
		seq.Sent(r)
		if err := r.Err; err != nil {
			lastErr = err
			text := cmdutil.FirstLine(err.Error())
			switch {
			case r.Unknown():
				text = "outcome unknown (Client-Request-Id " + crid + "): " + text
				if unknown == nil {
					unknown = err
				}
				stop = err
			case ctx.Err() != nil:
				stop = err
			default:
				refused++
			}
			for _, id := range chunk {
				res.Failed = append(res.Failed, Failed{ID: id, Error: text})
			}
			continue
		}
		for _, id := range chunk {
			taken[id] = true
		}
		res.add(chunk, out)
	}
	warnFailed(f, res.Failed, byID, func(id string) bool { return len(chunks) > 1 || taken[id] })
	switch {
	case unknown != nil:
		return res, unknown
	case len(chunks) == 1 && refused == 1:
		return res, lastErr // one call, refused: its own error and exit code (3 for permissions)
	case stop != nil:
		return res, stop
	case len(res.Failed) > 0:
		return res, exitcode.Errorf(exitcode.Failure, "%d of %d instance(s) were not taken; see the warnings above", len(res.Failed), len(targets))
	}
	return res, nil
}

// warnFailed warns about each instance not taken, named as RMS lists it,
// when say(id) (a lone call's own error already says why).
func warnFailed(f *cmdutil.Factory, failed []Failed, byID map[string]api.Resource, say func(id string) bool) {
	for _, fl := range failed {
		if !say(fl.ID) {
			continue
		}
		name := ""
		if t, ok := byID[fl.ID]; ok && t.Name != "" {
			name = " (" + t.Name + ")"
		}
		f.IO.Warnf("%s%s: %s", fl.ID, name, fl.Error)
	}
}

// waitOrders follows each order (as `order wait` does) and keeps the last
// view of each; the first wait that ends badly ends the run's waiting.
func waitOrders(ctx context.Context, f *cmdutil.Factory, res *OrdersResult, timeout, interval time.Duration) error {
	deadline := f.Clock().Add(timeout)
	for _, r := range res.rows {
		left := deadline.Sub(f.Clock())
		if left <= 0 {
			left = time.Millisecond
		}
		v, err := cmdutil.WaitOrder(ctx, f, r.orderID, "", r.ids, left, interval, justPlacedGrace) // orders just placed
		if v != nil {
			res.Orders = append(res.Orders, v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func printOrdersResult(f *cmdutil.Factory, res *OrdersResult) error {
	if format, err := f.OutputFormat(); err == nil && format == output.Table && len(res.rows) == 0 {
		return nil // no order: the warnings and the error say what happened
	}
	status := map[string]string{}
	for _, v := range res.Orders {
		status[v.OrderID] = v.StatusText
	}
	return f.Print(res, func() ([]string, [][]string) {
		h := []string{"ORDER ID", "INSTANCES"}
		if len(res.Orders) > 0 {
			h = append(h, "STATUS")
		}
		var rows [][]string
		for _, r := range res.rows {
			row := []string{r.orderID, strings.Join(r.ids, ",")}
			if len(res.Orders) > 0 {
				row = append(row, cmdutil.Dash(status[r.orderID]))
			}
			rows = append(rows, row)
		}
		return h, rows
	})
}

func ids(rs []api.Resource) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func commonRegion(chunk []string, byID map[string]api.Resource) string {
	region := ""
	for i, id := range chunk {
		r := byID[id].RegionID
		if i > 0 && r != region {
			return ""
		}
		region = r
	}
	return region
}

// targetsOffline is the instances named by ID, without asking RMS: for a
// dry run, which must work without credentials. ok is false when an
// argument is a name (only RMS can tell its ID).
func targetsOffline(args []string) ([]api.Resource, bool) {
	var out []api.Resource
	for _, a := range args {
		if !resolve.IsInstanceID(a) {
			return nil, false
		}
		out = append(out, api.Resource{ID: a})
	}
	return out, true
}

// resolveInstances turns arguments into instances: offline for a dry run
// naming only IDs, else through one RMS listing.
func resolveInstances(ctx context.Context, f *cmdutil.Factory, args []string, dryRun bool) ([]api.Resource, error) {
	if dryRun {
		if rs, ok := targetsOffline(args); ok {
			return rs, nil
		}
	}
	region, err := cmdutil.RegionFlag(f)
	if err != nil {
		return nil, err
	}
	client, err := f.APIClient()
	if err != nil {
		return nil, err
	}
	return resolve.Instances(ctx, client, args, region)
}

// checkArgs refuses, before anything is sent, instance arguments that are
// missing, repeated or malformed (exit 2).
func checkArgs(args []string) error {
	ps := billing.ValidateTargets(args)
	if len(ps) > 0 {
		return cmdutil.ProblemsError(ps, nil)
	}
	for _, a := range args {
		if err := resolve.CheckArg(a); err != nil {
			return err
		}
	}
	return nil
}
