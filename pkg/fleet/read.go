package fleet

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/firewall"
	"github.com/flexusl/flexusl/pkg/journal"
)

// Reader is what Read reads with (api.Client is one).
type Reader interface {
	firewall.Reader
	ListInstances(ctx context.Context, o api.ListInstancesOptions) ([]api.Resource, error)
	ListCustomerOrders(ctx context.Context, o api.ListOrdersOptions) ([]api.OrderInfo, error)
	ListPayPerUseCustomerResources(ctx context.Context, resourceIDs []string) ([]api.Subscription, error)
}

// OrderTypeNew is BSS's order_type of a new purchase.
const OrderTypeNew = 1

// Read gathers the state a plan compares the file with: every FlexusL
// instance of the account (one RMS listing), the new-purchase orders
// pending payment or processing created within OrderWindow (BSS, the call
// of `order list --remote`), the subscriptions of matched instances whose
// auto-renew the file declares, and the firewall of each region with
// rules. entries is this machine's journal for the run's profile. Any
// read that fails is an error: a plan must never be made from half the
// facts (a missing order could mean a second purchase).
func Read(ctx context.Context, rd Reader, f *File, entries []journal.Entry, now time.Time) (*State, error) {
	st := &State{Journal: entries, Now: now, Subscriptions: map[string]api.Subscription{}, Firewalls: map[string]*firewall.Firewall{}}
	all, err := rd.ListInstances(ctx, api.ListInstancesOptions{})
	if err != nil {
		return nil, fmt.Errorf("list the account's instances (RMS): %w", err)
	}
	st.Instances = all
	for _, status := range []int{api.StatusPendingPayment, api.StatusProcessing} {
		os, err := rd.ListCustomerOrders(ctx, api.ListOrdersOptions{Status: status, OrderType: OrderTypeNew, CreatedFrom: now.Add(-OrderWindow)})
		if err != nil {
			return nil, fmt.Errorf("list the account's orders %s (BSS), to find purchases still in flight: %w", api.StatusText(status), err)
		}
		for _, o := range os {
			// BSS was asked for these only; anything else it gives is not trusted to be in flight or not: keep it.
			if o.Status == api.StatusCompleted || o.Status == api.StatusCancelled {
				continue
			}
			if !api.ValidID(o.OrderID) {
				o.OrderID = "(an order ID that is not an ID)"
			}
			st.Orders = append(st.Orders, o)
		}
	}
	done, err := rd.ListCustomerOrders(ctx, api.ListOrdersOptions{Status: api.StatusCompleted, OrderType: OrderTypeNew, CreatedFrom: now.Add(-CompletedWindow)})
	if err != nil {
		return nil, fmt.Errorf("list the account's recent completed orders (BSS), to find instances not listed yet: %w", err)
	}
	for _, o := range done {
		if o.Status == api.StatusCompleted && api.ValidID(o.OrderID) {
			st.Completed = append(st.Completed, o)
		}
	}
	var subIDs []string
	byRegion := map[string][]firewall.Instance{}
	project := map[string]string{}
	for _, in := range f.Instances {
		r, _, _ := match(f, in, all)
		if r == nil {
			continue
		}
		if in.AutoRenew != nil {
			subIDs = append(subIDs, r.ID)
		}
	}
	for i := range all {
		r := &all[i]
		byRegion[r.RegionID] = append(byRegion[r.RegionID], firewall.InstanceOf(r))
		if project[r.RegionID] == "" {
			project[r.RegionID] = r.ProjectID
		}
	}
	st.Servers = readServers(ctx, rd, f, all)
	if len(subIDs) > 0 {
		subs, err := rd.ListPayPerUseCustomerResources(ctx, subIDs)
		if err != nil {
			return nil, fmt.Errorf("read the instances' auto-renew settings (BSS): %w", err)
		}
		st.Subscriptions = api.SubscriptionsByID(subs)
	}
	for _, region := range ruleRegions(f) {
		if len(byRegion[region]) == 0 {
			continue
		}
		fw, err := firewall.Load(ctx, rd, region, project[region], byRegion[region], "")
		if err != nil {
			return nil, fmt.Errorf("read the security groups of %s (VPC): %w", region, err)
		}
		st.Firewalls[region] = fw
	}
	return st, nil
}

// ServerReads is how many ShowServer calls readServers makes at once.
const ServerReads = 8

// readServers reads the ECS server of each running instance of the fleet,
// for the image it runs (drift). A server that cannot be read is left
// out: its image is not compared.
func readServers(ctx context.Context, rd Reader, f *File, all []api.Resource) map[string]*api.Server {
	type job struct {
		id  string
		ref api.ServerRef
	}
	var jobs []job
	for _, in := range f.Instances {
		r, _, _ := match(f, in, all)
		if r == nil || r.ServerID() == "" || !strings.EqualFold(r.Properties.Status, "RUNNING") || !api.ValidID(r.ServerID()) {
			continue
		}
		jobs = append(jobs, job{r.ID, api.ServerOf(r)})
	}
	out := make(map[string]*api.Server, len(jobs))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, ServerReads)
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if srv, err := rd.ShowServer(ctx, j.ref); err == nil && srv != nil {
				mu.Lock()
				out[j.id] = srv
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}

func ruleRegions(f *File) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range f.Rules {
		if !seen[r.Region] {
			seen[r.Region] = true
			out = append(out, r.Region)
		}
	}
	return out
}

// HeldPurchases counts the purchases the plan holds back (not the
// instances that exist but do not run yet).
func (p *Plan) HeldPurchases() int {
	n := 0
	for _, it := range p.Items {
		if it.Op == OpHold && it.ID == "" {
			n++
		}
	}
	return n
}

// Doable counts the changes apply can make now: purchases, auto-renew
// changes and rules for groups that exist (a rule for the group new
// instances will join waits for them).
func (p *Plan) Doable() int {
	n := 0
	for _, it := range p.Items {
		switch it.Op {
		case OpBuy, OpAutoRenew:
			n++
		case OpAllow, OpDeny:
			if it.GroupID != "" {
				n++
			}
		}
	}
	return n
}

// Advice is what to do about the held purchases, for the end of a run.
func (p *Plan) Advice() string {
	var orders []string
	for _, fl := range p.InFlight {
		if fl.Kind == "order" {
			orders = append(orders, fl.OrderID+" ("+fl.Status+")")
		}
	}
	msg := "an earlier purchase may still be under way."
	if len(orders) > 0 {
		msg += " Orders in flight: " + strings.Join(orders, ", ") + ". Wait for them (flexusl order wait ID), pay them (flexusl order pay ID) or cancel them (flexusl order cancel ID); then apply again."
	} else {
		msg += " Check with `flexusl order list --remote --since 1d` and `flexusl instance list`, then apply again."
	}
	return msg
}
