// Package instance is what flexusl shows of FlexusL instances: the view
// `instance list` prints (from the RMS entry), the detail `instance show`
// assembles (RMS entry, ECS server, BSS subscription), and the waiter that
// follows a purchase's instances until they run with a public IP. It
// knows nothing of commands; cmd/instance prints what it returns.
package instance

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/cache"
	"github.com/flexusl/flexusl/pkg/output"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/suggest"
)

// Lister lists FlexusL instances (api.Client does).
type Lister interface {
	ListInstances(ctx context.Context, o api.ListInstancesOptions) ([]api.Resource, error)
}

// StatusRunning is the RMS status of a running instance (properties.status).
// Other spellings are not documented: they are shown as they come.
const StatusRunning = "RUNNING"

// StatusStopped is the status the sandbox (and, by the console's name,
// RMS) gives a stopped instance; not documented as an API value.
const StatusStopped = "STOPPED"

// Statuses are the instance states the FlexusL console names, upper-cased
// as RMS spells RUNNING; `instance list --status` takes these (any case).
// Their API spellings other than RUNNING are not documented.
var Statuses = []string{"CREATING", "RUNNING", "UPDATING", "RESTARTING", "STARTING", "STOPPING", "STOPPED",
	"UNSUBSCRIBING", "FROZEN", "UNFREEZING", "ABNORMAL"}

// StatusNames are Statuses as --status is typed (lower case).
func StatusNames() []string {
	names := make([]string, len(Statuses))
	for i, st := range Statuses {
		names[i] = strings.ToLower(st)
	}
	return names
}

// CheckStatus checks an `instance list --status` value against Statuses,
// suggesting the closest when it is not one.
func CheckStatus(s string) *problem.Problem {
	for _, st := range Statuses {
		if strings.EqualFold(s, st) {
			return nil
		}
	}
	allowed := StatusNames()
	return &problem.Problem{Field: "--status", Value: s, Reason: "is not an instance status", Allowed: allowed,
		Suggestions: suggest.Closest(strings.ToLower(s), allowed)}
}

// View is one instance as `instance list -o json` prints it. The keys are
// stable; PublicIP is "" when the instance has none (yet), Spec "" when
// RMS names none, Expires "" when BSS was not asked or does not know it
// (yet), Tags is an object (empty when there are none).
type View struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Region       string            `json:"region"`
	Status       string            `json:"status"`
	Spec         string            `json:"spec"`
	PublicIP     string            `json:"public_ip"`
	Expires      string            `json:"expires"`
	ServerID     string            `json:"server_id"`
	OrderID      string            `json:"order_id"`
	ChargingMode string            `json:"charging_mode"`
	Created      string            `json:"created"`
	Tags         map[string]string `json:"tags"`
}

// NewView is the view of an RMS entry.
func NewView(r *api.Resource) View {
	tags := r.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	return View{ID: r.ID, Name: r.Name, Region: r.RegionID, Status: r.Properties.Status, Spec: r.Properties.Metadata["resource_spec_code"], PublicIP: r.PublicIP(),
		ServerID: r.ServerID(), OrderID: r.OrderID(), ChargingMode: r.ChargingMode(), Created: r.Created, Tags: tags}
}

// Views are the views of rs, sorted by region, name and ID.
func Views(rs []api.Resource) []View {
	out := make([]View, len(rs))
	for i := range rs {
		out[i] = NewView(&rs[i])
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.ID < b.ID
	})
	return out
}

// ListOptions filter List.
type ListOptions struct {
	Region string // "" = every region
	Name   string // exact name; "" = any
	Status string // RMS status, any case; "" = any
}

// List reads every page of the listing (one RMS listing; the name filter
// is also sent to RMS to read fewer pages) and keeps the instances that
// match o exactly. Complete reports whether the result is every instance
// of o.Region (no name or status filter), for the completion cache.
func List(ctx context.Context, l Lister, o ListOptions) (views []View, complete bool, err error) {
	rs, err := l.ListInstances(ctx, api.ListInstancesOptions{Region: o.Region, Name: o.Name})
	if err != nil {
		return nil, false, err
	}
	kept := rs[:0:0]
	for _, r := range rs {
		if o.Region != "" && r.RegionID != o.Region {
			continue
		}
		if o.Name != "" && r.Name != o.Name {
			continue
		}
		if o.Status != "" && !strings.EqualFold(r.Properties.Status, o.Status) {
			continue
		}
		kept = append(kept, r)
	}
	return Views(kept), o.Name == "" && o.Status == "", nil
}

// SubscriptionReader reads subscriptions by instance ID (api.Client does).
type SubscriptionReader interface {
	ListPayPerUseCustomerResources(ctx context.Context, resourceIDs []string) ([]api.Subscription, error)
}

// expiryConcurrency is how many BSS subscription queries AddExpiries has in
// flight at once.
const expiryConcurrency = 4

// AddExpiries fills each view's Expires from BSS: the instances' IDs in
// calls of api.MaxSubscriptionIDs, a few at once. On an error the views
// keep what was read and the first error is returned (a listing shows the
// rest without the expiry).
func AddExpiries(ctx context.Context, rd SubscriptionReader, vs []View) error {
	if len(vs) == 0 {
		return nil
	}
	ids := make([]string, len(vs))
	for i, v := range vs {
		ids[i] = v.ID
	}
	var (
		mu       sync.Mutex
		expires  = map[string]string{}
		firstErr error
		wg       sync.WaitGroup
		slots    = make(chan struct{}, expiryConcurrency)
	)
	for start := 0; start < len(ids); start += api.MaxSubscriptionIDs {
		chunk := ids[start:min(start+api.MaxSubscriptionIDs, len(ids))]
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			subs, err := rd.ListPayPerUseCustomerResources(ctx, chunk)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			for _, s := range subs {
				if _, seen := expires[s.ResourceID]; !seen {
					expires[s.ResourceID] = s.ExpireTime
				}
			}
		}()
	}
	wg.Wait()
	for i := range vs {
		vs[i].Expires = expires[vs[i].ID]
	}
	return firstErr
}

// CacheEntries are the completion cache's records of views.
func CacheEntries(vs []View) []cache.Instance {
	out := make([]cache.Instance, len(vs))
	for i, v := range vs {
		out[i] = cache.Instance{ID: v.ID, Name: v.Name, Region: v.Region}
	}
	return out
}

// ListTable is `instance list`'s table.
func ListTable(vs []View) (header []string, rows [][]string) {
	header = []string{"ID", "NAME", "REGION", "STATUS", "SPEC", "PUBLIC IP", "EXPIRES", "CREATED"}
	rows = make([][]string, len(vs))
	for i, v := range vs {
		rows[i] = []string{v.ID, dash(v.Name), dash(v.Region), dash(v.Status), dash(v.Spec), dash(v.PublicIP),
			output.TableTimeString(v.Expires), output.TableTimeString(v.Created)}
	}
	return header, rows
}

// AddressTable is the table `instance buy --wait` and `order wait` add
// after the order: each instance with its public IP.
func AddressTable(vs []View) (header []string, rows [][]string) {
	header = []string{"INSTANCE ID", "PUBLIC IP"}
	rows = make([][]string, len(vs))
	for i, v := range vs {
		rows[i] = []string{v.ID, dash(v.PublicIP)}
	}
	return header, rows
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
