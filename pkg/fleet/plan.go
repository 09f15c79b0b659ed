package fleet

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/firewall"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/price"
	"github.com/flexusl/flexusl/pkg/purchase"
	"github.com/flexusl/flexusl/pkg/safetext"
)

// Plan operations (Item.Op).
const (
	OpBuy       = "buy"        // + buy an instance the account lacks
	OpAutoRenew = "auto_renew" // ~ turn auto-renew on or off
	OpAllow     = "allow"      // + add an allow rule
	OpDeny      = "deny"       // + add a deny rule
	OpKeep      = "keep"       // = as declared
	OpDrift     = "drift"      // ! differs, and apply will not change it
	OpHold      = "hold"       // ? a purchase held back, or an instance not running yet
)

// Matched-by values (Item.MatchedBy).
const (
	MatchTag  = "tag"  // RMS lists the instance with the fleet's tag
	MatchName = "name" // RMS lists no flexusl-fleet tag on it: matched by name and region
)

// Item is one line of the plan (JSON keys stable; see `flexusl apply
// --help`).
type Item struct {
	Op        string   `json:"op"`
	Name      string   `json:"name,omitempty"`
	Region    string   `json:"region"`
	ID        string   `json:"id,omitempty"`
	Status    string   `json:"status,omitempty"`
	MatchedBy string   `json:"matched_by,omitempty"`
	Spec      string   `json:"spec,omitempty"`
	Image     string   `json:"image,omitempty"`
	Period    string   `json:"period,omitempty"`
	AutoRenew *bool    `json:"auto_renew,omitempty"`
	Rule      string   `json:"rule,omitempty"`
	Group     string   `json:"group,omitempty"`
	GroupID   string   `json:"group_id,omitempty"`
	Instances []string `json:"instances,omitempty"`
	OrderIDs  []string `json:"order_ids,omitempty"`
	Why       string   `json:"why"`
	// Price (buy items) is what BSS quoted for the purchase; PriceNote
	// says why there is none when it was asked and gave none.
	Price     *price.Quote `json:"price,omitempty"`
	PriceNote string       `json:"price_note,omitempty"`

	instance *Instance     // OpBuy, OpAutoRenew: the declared instance
	rule     firewall.Rule // OpAllow, OpDeny
}

// Instance is the declared instance of a buy or auto-renew item (nil for
// the others).
func (it Item) Instance() *Instance { return it.instance }

// FirewallRule is the rule of an allow or deny item.
func (it Item) FirewallRule() firewall.Rule { return it.rule }

// InFlight is a purchase that may still be under way: an order of the
// account pending payment or processing, an attempt of this machine's
// journal whose outcome is unknown, or an instance of the fleet that RMS
// lists as not running yet.
type InFlight struct {
	Kind      string `json:"kind"` // order, attempt, instance
	OrderID   string `json:"order_id,omitempty"`
	Status    string `json:"status,omitempty"`
	Created   string `json:"created,omitempty"`
	RequestID string `json:"request_id,omitempty"`
	Name      string `json:"name,omitempty"`
	Region    string `json:"region,omitempty"`
	ID        string `json:"id,omitempty"`
}

// Plan is what apply would do, and what it sees but will not change.
type Plan struct {
	Fleet string `json:"fleet"`
	// Pending counts the changes apply would make now (buy, auto_renew,
	// allow, deny); Held the purchases it holds back and the instances
	// not running yet. Both 0: the account is as declared.
	Pending  int        `json:"pending"`
	Held     int        `json:"held"`
	Drift    int        `json:"drift"`
	Items    []Item     `json:"items"`
	InFlight []InFlight `json:"in_flight"`
	// Notes are things to know that are not items (an instance matched by
	// name because RMS gave no tags).
	Notes []string `json:"notes"`
}

// Converged reports whether nothing is pending or held.
func (p *Plan) Converged() bool { return p.Pending == 0 && p.Held == 0 }

// State is what the account looks like, as Read gathers it.
type State struct {
	// Instances are every FlexusL instance RMS lists for the account.
	Instances []api.Resource
	// Orders are the account's new-purchase orders pending payment or
	// processing, created within OrderWindow.
	Orders []api.OrderInfo
	// Completed are the account's new-purchase orders completed and
	// created within CompletedWindow: one whose instances RMS does not
	// list yet may still be being created.
	Completed []api.OrderInfo
	// Journal is this machine's journal (the run's profile only).
	Journal []journal.Entry
	// Subscriptions by instance ID (read for instances whose auto-renew
	// the file declares).
	Subscriptions map[string]api.Subscription
	// Servers by instance ID: the ECS servers of the fleet's running
	// instances, for the image they run (one that could not be read is
	// absent, and its image is not compared).
	Servers map[string]*api.Server
	// Firewalls by region (regions with rules and instances).
	Firewalls map[string]*firewall.Firewall
	Now       time.Time
}

// Windows of the in-flight guard.
const (
	// OrderWindow is how far back apply looks for orders pending payment
	// or processing.
	OrderWindow = 7 * 24 * time.Hour
	// AttemptWindow is how long a journaled purchase whose outcome is
	// unknown holds back buying the same name in the same region: by
	// then BSS lists any order it placed.
	AttemptWindow = 24 * time.Hour
	// CompletedWindow is how far back apply looks for completed purchase
	// orders whose instances RMS does not list (yet): RMS's delay after a
	// purchase is not documented.
	CompletedWindow = time.Hour
)

// match finds the RMS entry of a declared instance: tagged with the fleet
// first; else, untagged by any fleet, by name and region.
func match(f *File, in Instance, rs []api.Resource) (*api.Resource, string, int) {
	var tagged, untagged []*api.Resource
	for i := range rs {
		r := &rs[i]
		if r.RegionID != in.Region || r.Name != in.Name {
			continue
		}
		v, has := r.Tags[TagKey]
		switch {
		case has && v == f.Fleet:
			tagged = append(tagged, r)
		case !has:
			untagged = append(untagged, r)
		}
	}
	pick := func(c []*api.Resource) *api.Resource {
		for _, r := range c { // a running one first
			if strings.EqualFold(r.Properties.Status, "RUNNING") {
				return r
			}
		}
		return c[0]
	}
	switch {
	case len(tagged) > 0:
		return pick(tagged), MatchTag, len(tagged)
	case len(untagged) > 0:
		return pick(untagged), MatchName, len(untagged)
	}
	return nil, "", 0
}

// Build compares the file with the state: pure, so that the plan can be
// tested and shown before anything is sent.
func Build(f *File, st *State) *Plan {
	p := &Plan{Fleet: f.Fleet, Items: []Item{}, InFlight: []InFlight{}, Notes: []string{}}
	var keep, drift, hold []Item
	var toBuy []Instance
	matched := map[string]*api.Resource{} // Key -> entry
	for i := range f.Instances {
		in := f.Instances[i]
		r, by, n := match(f, in, st.Instances)
		if r == nil {
			toBuy = append(toBuy, in)
			continue
		}
		matched[in.Key()] = r
		it := Item{Name: in.Name, Region: in.Region, ID: r.ID, Status: r.Properties.Status, MatchedBy: by}
		if by == MatchName {
			p.Notes = append(p.Notes, fmt.Sprintf("%s (%s) matched by name and region: RMS lists no %s tag on instance %s", in.Name, in.Region, TagKey, r.ID))
		}
		if n > 1 {
			p.Notes = append(p.Notes, fmt.Sprintf("%d instances named %s in %s match; apply looks at %s only", n, in.Name, in.Region, r.ID))
		}
		status := strings.ToUpper(r.Properties.Status)
		var whys []string
		switch {
		case status == "STOPPED" || status == "FROZEN" || status == "SHUTOFF":
			whys = append(whys, fmt.Sprintf("it is %s: apply does not start or unfreeze instances (flexusl instance start, or renew a frozen one)", strings.ToLower(status)))
		case status != "RUNNING" || r.PublicIP() == "":
			st := status
			if st == "" {
				st = "no status"
			}
			if status == "RUNNING" {
				st = "RUNNING without a public IP"
			}
			it.Op, it.Why = OpHold, "not running yet ("+st+"): left alone until it runs"
			p.InFlight = append(p.InFlight, InFlight{Kind: "instance", Name: in.Name, Region: in.Region, ID: r.ID, Status: r.Properties.Status})
			hold = append(hold, it)
			continue
		}
		if spec := r.Properties.Metadata["resource_spec_code"]; spec != "" && spec != in.Request.PlanSpec {
			whys = append(whys, fmt.Sprintf("its spec is %s, declared %s: apply does not change a server's spec", spec, in.Request.PlanSpec))
		}
		if why := imageDrift(in.Request, st.Servers[r.ID]); why != "" {
			whys = append(whys, why)
		}
		if len(whys) > 0 {
			it.Op, it.Why = OpDrift, strings.Join(whys, "; ")
			drift = append(drift, it)
		}
		if in.AutoRenew != nil {
			if sub, ok := st.Subscriptions[r.ID]; ok && sub.AutoRenew() != *in.AutoRenew {
				p.Items = append(p.Items, Item{Op: OpAutoRenew, Name: in.Name, Region: in.Region, ID: r.ID, AutoRenew: in.AutoRenew,
					Why: fmt.Sprintf("auto-renew is %s, declared %s", onOff(sub.AutoRenew()), onOff(*in.AutoRenew)), instance: &f.Instances[i]})
				continue
			}
		}
		if len(whys) == 0 {
			it.Op, it.Why = OpKeep, "as declared"
			keep = append(keep, it)
		}
	}

	// The in-flight guard: what could be one of the instances to buy.
	heldBy := guard(f, st, toBuy, p)
	for _, in := range toBuy {
		it := Item{Name: in.Name, Region: in.Region, Spec: in.Request.PlanSpec, Image: in.Request.ImageLabel(),
			Period: period(in.Request), AutoRenew: in.AutoRenew}
		if why, held := heldBy[in.Key()]; held {
			it.Op, it.Why = OpHold, why.why
			it.OrderIDs = why.orders
			hold = append(hold, it)
			continue
		}
		it.Op, it.Why = OpBuy, "RMS lists no instance "+in.Name+" in "+in.Region
		it.instance = &f.Instances[slicesIndex(f.Instances, in.Key())]
		p.Items = append(p.Items, it)
	}
	for _, it := range rules(f, st, matched, len(toBuy) > 0) {
		switch it.Op {
		case OpKeep:
			keep = append(keep, it)
		case OpDrift:
			drift = append(drift, it)
		default:
			p.Items = append(p.Items, it)
		}
	}
	rank := map[string]int{OpBuy: 0, OpAutoRenew: 1}
	sort.SliceStable(p.Items, func(i, j int) bool {
		ri, ok := rank[p.Items[i].Op]
		if !ok {
			ri = 2
		}
		rj, ok := rank[p.Items[j].Op]
		if !ok {
			rj = 2
		}
		return ri < rj
	})
	p.Pending, p.Held, p.Drift = len(p.Items), len(hold), len(drift)
	p.Items = append(append(append(p.Items, hold...), drift...), keep...)
	p.SortInFlight()
	return p
}

// imageDrift says how a server's image differs from the declared one ("" when
// it does not, or when the server does not say): a private image by its ID,
// a catalog image by ECS's metadata image_name, which must name the image
// and its version.
func imageDrift(r *purchase.Request, srv *api.Server) string {
	if srv == nil || r.ImageRef == nil {
		return ""
	}
	const why = ": apply does not reinstall a server"
	if r.Private() {
		if srv.Image.ID != "" && srv.Image.ID != r.ImageRef.ImageID {
			return fmt.Sprintf("its image is %s, declared %s%s", srv.Image.ID, r.ImageRef.ImageID, why)
		}
		return ""
	}
	name := srv.Metadata["image_name"]
	if name == "" {
		return ""
	}
	l := strings.ToLower(name)
	if !strings.Contains(l, strings.ToLower(r.ImageRef.ImageName)) || !strings.Contains(l, strings.ToLower(r.ImageRef.ImageVersion)) {
		return fmt.Sprintf("its image is %s, declared %s%s", name, r.ImageLabel(), why)
	}
	return ""
}

func slicesIndex(ins []Instance, key string) int {
	for i, in := range ins {
		if in.Key() == key {
			return i
		}
	}
	return -1
}

type held struct {
	why    string
	orders []string
}

// guard finds what may still be in flight and which instances to buy it
// could be: an order pending payment or processing that this machine's
// journal ties to one name holds that name; one it cannot tie to a name
// (placed by another runner, or by hand) holds every purchase; an attempt
// whose outcome is unknown holds its name.
func guard(f *File, st *State, toBuy []Instance, p *Plan) map[string]held {
	out := map[string]held{}
	if len(toBuy) == 0 {
		return out
	}
	want := map[string]bool{}
	for _, in := range toBuy {
		want[in.Key()] = true
	}
	byOrder := map[string]journal.Entry{}
	for _, e := range st.Journal {
		if e.Kind == journal.KindPurchase {
			for _, id := range e.OrderIDs {
				byOrder[id] = e
			}
		}
	}
	// A completed order whose instances RMS does not list may still be
	// creating them, unless this machine's journal shows they were
	// unsubscribed since.
	listed := map[string]bool{}
	for i := range st.Instances {
		if id := st.Instances[i].OrderID(); id != "" {
			listed[id] = true
		}
	}
	gone := map[string]bool{}
	for _, e := range st.Journal {
		if e.Kind == journal.KindUnsubscribe && e.State == journal.StateAccepted {
			for _, id := range e.ResourceIDs {
				gone[id] = true
			}
		}
	}
	orders := st.Orders
	for _, o := range st.Completed {
		if listed[o.OrderID] {
			continue
		}
		if e, ok := byOrder[o.OrderID]; ok && len(e.ResourceIDs) > 0 {
			all := true
			for _, id := range e.ResourceIDs {
				all = all && gone[id]
			}
			if all {
				continue // bought, then deleted
			}
		}
		orders = append(orders, o)
	}
	var anyOrders []string
	for _, o := range orders {
		status := api.StatusText(o.Status)
		if o.Status == api.StatusCompleted {
			status = "completed, its instances not listed by RMS yet"
		}
		fl := InFlight{Kind: "order", OrderID: o.OrderID, Status: status, Created: o.CreateTime}
		if e, ok := byOrder[o.OrderID]; ok {
			key := e.Region + "/" + e.Name
			if !want[key] {
				continue // this machine placed it, for something else
			}
			fl.Name, fl.Region = e.Name, e.Region
			p.InFlight = append(p.InFlight, fl)
			h := out[key]
			h.orders = append(h.orders, o.OrderID)
			h.why = fmt.Sprintf("order %s (%s) was placed for it and is %s: %s", o.OrderID, e.Time.UTC().Format(time.RFC3339), status, proceed(o.Status, o.OrderID))
			out[key] = h
			continue
		}
		p.InFlight = append(p.InFlight, fl)
		anyOrders = append(anyOrders, o.OrderID)
	}
	for _, e := range st.Journal {
		if e.Kind != journal.KindPurchase || e.State != journal.StateUnknown || st.Now.Sub(e.Time) > AttemptWindow {
			continue
		}
		key := e.Region + "/" + e.Name
		if !want[key] {
			continue
		}
		p.InFlight = append(p.InFlight, InFlight{Kind: "attempt", RequestID: e.RequestID, Name: e.Name, Region: e.Region, Created: e.Time.UTC().Format(time.RFC3339)})
		if _, done := out[key]; !done {
			out[key] = held{why: fmt.Sprintf("a purchase of it at %s (Client-Request-Id %s) has an unknown outcome: it may have placed an order; check `flexusl order list --remote --since 1d` (held for %s after the attempt)",
				e.Time.UTC().Format(time.RFC3339), e.RequestID, AttemptWindow)}
		}
	}
	if len(anyOrders) > 0 {
		why := fmt.Sprintf("the account has purchase orders that may be for it (placed by another run or by hand): %s; wait for them to complete and their instances to be listed, pay them (flexusl order pay ID) or cancel them (flexusl order cancel ID), then apply again",
			strings.Join(anyOrders, ", "))
		for _, in := range toBuy {
			if _, done := out[in.Key()]; !done {
				out[in.Key()] = held{why: why, orders: anyOrders}
			}
		}
	}
	return out
}

// proceed says how to go on past an order in flight.
func proceed(status int, id string) string {
	switch status {
	case api.StatusPendingPayment:
		return "pay it (flexusl order pay " + id + ") or cancel it (flexusl order cancel " + id + "), then apply again"
	case api.StatusCompleted:
		return "apply again once `flexusl instance list` shows its instance (this lapses " + CompletedWindow.String() + " after the order)"
	}
	return "wait for it (flexusl order wait " + id + "), then apply again"
}

// rules plans the firewall: for each declared rule, each group that
// protects the fleet's instances of its region; a rule already there is
// kept. With instances still to buy and none in the region yet, the rule
// goes in the group the new ones join.
func rules(f *File, st *State, matched map[string]*api.Resource, buying bool) []Item {
	var out []Item
	for _, r := range f.Rules {
		fw := st.Firewalls[r.Region]
		var ids []string
		for _, in := range f.Instances {
			if m := matched[in.Key()]; m != nil && in.Region == r.Region && strings.EqualFold(m.Properties.Status, "RUNNING") {
				ids = append(ids, m.ID)
			}
		}
		base := Item{Op: r.Rule.Action, Region: r.Region, Rule: ruleText(r.Rule), rule: r.Rule}
		if fw == nil || len(ids) == 0 {
			if buying {
				it := base
				it.Group = firewall.DefaultGroupName
				it.Why = "after the purchase: the group the new instances join (normally " + firewall.DefaultGroupName + ", shared by every FlexusL instance of the region)"
				out = append(out, it)
			}
			continue
		}
		done := map[string]bool{}
		for _, id := range ids {
			g, reason := fw.PickGroup(id, "")
			if g == nil {
				it := base
				it.Op, it.Why = OpDrift, "the rule cannot be placed for instance "+id+": "+reason
				out = append(out, it)
				continue
			}
			if done[g.ID] {
				continue
			}
			done[g.ID] = true
			it := base
			it.Group, it.GroupID, it.Instances = safetext.Line(g.Label()), g.ID, g.InstanceLabels()
			if _, ok := r.Rule.Find(fw.RulesOf(id)); ok {
				it.Op, it.Why = OpKeep, "present"
			} else if d, ok := r.Rule.FindDisabled(fw.RulesOf(id)); ok {
				// A disabled twin opens nothing, and VPC refuses a second
				// one (409): drift for the user, never a create.
				it.Op, it.Why = OpDrift, "present but disabled (rule "+safetext.Line(d.ID)+"): enable it in the console, or delete it with `flexusl firewall delete "+
					safetext.Line(d.ID)+" --region "+it.Region+"` and apply again"
			} else {
				it.Why = "missing from the group; it applies to every instance the group protects"
			}
			out = append(out, it)
		}
	}
	return out
}

// ruleText is a rule for the plan: "allow tcp 22 from 0.0.0.0/0
// (inbound, priority 1)".
func ruleText(r firewall.Rule) string { return r.Summary() }

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func period(r *purchase.Request) string {
	unit := r.PeriodType
	if r.PeriodNum != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", r.PeriodNum, unit)
}

// Text is the plan for people: one line per item, symbols first
// (+ buy, ~ change, = as declared, ! drift, ? held), then a summary.
func (p *Plan) Text() string {
	var b strings.Builder
	for _, it := range p.Items {
		b.WriteString(safetext.Line(it.line()))
		b.WriteByte('\n')
	}
	for _, n := range p.Notes {
		b.WriteString("note: " + safetext.Line(n) + "\n")
	}
	fmt.Fprintf(&b, "Plan for fleet %s: %s.\n", p.Fleet, p.Summary())
	return b.String()
}

// Summary counts the plan's items in words.
func (p *Plan) Summary() string {
	n := map[string]int{}
	for _, it := range p.Items {
		n[it.Op]++
	}
	var parts []string
	add := func(count int, what string) {
		if count > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", count, what))
		}
	}
	add(n[OpBuy], "to buy")
	add(n[OpAutoRenew], "auto-renew change(s)")
	add(n[OpAllow]+n[OpDeny], "rule(s) to add")
	add(n[OpHold], "held")
	add(n[OpDrift], "drift (not changed)")
	add(n[OpKeep], "as declared")
	if p.Converged() {
		parts = append([]string{"nothing to do"}, parts...)
	}
	return strings.Join(parts, ", ")
}

func (it Item) line() string {
	switch it.Op {
	case OpBuy:
		line := fmt.Sprintf("+ buy %s (%s, %s, %s, %s)", it.Name, it.Spec, it.Image, it.Period, it.Region)
		switch {
		case it.Price != nil:
			line += " price: " + it.Price.Text()
		case it.PriceNote != "":
			line += " price: " + it.PriceNote
		}
		return line
	case OpAutoRenew:
		return fmt.Sprintf("~ auto-renew %s %s (%s): %s", onOff(*it.AutoRenew), it.Name, it.Region, it.Why)
	case OpAllow, OpDeny:
		return fmt.Sprintf("+ %s (%s, %s; %s)", it.Rule, it.Region, groupText(it), it.Why)
	case OpKeep:
		if it.Rule != "" {
			return fmt.Sprintf("= %s (%s, %s: present)", it.Rule, it.Region, groupText(it))
		}
		return fmt.Sprintf("= %s (%s, %s: as declared)", it.Name, it.Region, it.ID)
	case OpDrift:
		what := it.Name
		if what == "" {
			what = it.Rule
		}
		return fmt.Sprintf("! %s (%s): drift, not changed: %s", what, it.Region, it.Why)
	case OpHold:
		return fmt.Sprintf("? %s (%s): held: %s", it.Name, it.Region, it.Why)
	}
	return it.Op + " " + it.Name
}

func groupText(it Item) string {
	g := it.Group
	if len(it.Instances) > 0 {
		g += "; instances " + strings.Join(it.Instances, ", ")
	}
	return g
}

// SortInFlight orders the in-flight list for output (orders, attempts,
// instances; then by time).
func (p *Plan) SortInFlight() {
	rank := map[string]int{"order": 0, "attempt": 1, "instance": 2}
	sort.SliceStable(p.InFlight, func(i, j int) bool {
		a, b := p.InFlight[i], p.InFlight[j]
		if rank[a.Kind] != rank[b.Kind] {
			return rank[a.Kind] < rank[b.Kind]
		}
		return a.Created < b.Created
	})
}
