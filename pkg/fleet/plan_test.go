package fleet

import (
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/purchase"
)

var update = flag.Bool("update", false, "rewrite golden files")

var now = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

const planFleet = `fleet: ci-web
defaults: {region: ap-southeast-3, image: Ubuntu, image_version: "22.04", spec: hf.large.1.30m.linux, auto_renew: true, auto_pay: true}
instances:
  - name: web-1   # running, as declared
  - name: web-2   # missing: to buy
  - name: web-3   # auto-renew off: to turn on
  - name: web-4   # another spec: drift
  - name: web-5   # stopped: drift
  - name: web-6   # creating: held
  - name: web-7   # untagged, matched by name
  - name: web-8   # another image: drift
  - name: db-1    # missing, an unknown attempt in the journal: held
    region: tr-west-1
  - name: db-2    # missing, this machine's order pending payment: held
    region: tr-west-1
`

func resource(id, name, region, status, fleetTag string) api.Resource {
	r := api.Resource{ID: id, Name: name, RegionID: region, ProjectID: "p-" + region}
	r.Properties.Status = status
	r.Properties.Metadata = map[string]string{"resource_spec_code": "hf.large.1.30m.linux", "order_id": "CS" + id}
	if status == "RUNNING" {
		r.Properties.Resources = []api.SubResource{{LogicalResourceType: api.LogicalEIP, ResourceAttributes: []api.KeyValuePair{{Key: "public_ip_address", Value: "203.0.113.9"}}}}
	}
	if fleetTag != "" {
		r.Tags = map[string]string{TagKey: fleetTag}
	}
	return r
}

func planState(t *testing.T) (*File, *State) {
	f, ps := Decode([]byte(planFleet), cat(t))
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	drifted := resource("000000000000000000000004", "web-4", "ap-southeast-3", "RUNNING", "ci-web")
	drifted.Properties.Metadata["resource_spec_code"] = "hf.large.2.30m.linux"
	st := &State{Now: now,
		Instances: []api.Resource{
			resource("000000000000000000000001", "web-1", "ap-southeast-3", "RUNNING", "ci-web"),
			resource("000000000000000000000002", "web-2", "ap-southeast-3", "RUNNING", "other-fleet"), // another fleet's: not ours
			resource("000000000000000000000003", "web-3", "ap-southeast-3", "RUNNING", "ci-web"),
			drifted,
			resource("000000000000000000000005", "web-5", "ap-southeast-3", "STOPPED", "ci-web"),
			resource("000000000000000000000006", "web-6", "ap-southeast-3", "CREATING", "ci-web"),
			resource("000000000000000000000007", "web-7", "ap-southeast-3", "RUNNING", ""),
			resource("000000000000000000000008", "db-1", "ap-southeast-3", "RUNNING", "ci-web"), // the wrong region
			resource("000000000000000000000010", "web-8", "ap-southeast-3", "RUNNING", "ci-web"),
		},
		Orders: []api.OrderInfo{{OrderID: "CSPENDING0000001", Status: api.StatusPendingPayment, OrderType: 1, CreateTime: "2026-12-04T11:00:00Z"}},
		Journal: []journal.Entry{
			{Kind: journal.KindPurchase, Name: "db-1", Region: "tr-west-1", RequestID: "11111111-2222-4333-8444-555555555555", State: journal.StateUnknown, Time: now.Add(-time.Hour)},
			{Kind: journal.KindPurchase, Name: "db-2", Region: "tr-west-1", RequestID: "21111111-2222-4333-8444-555555555555", State: journal.StateAccepted, OrderIDs: []string{"CSPENDING0000001"}, Time: now.Add(-time.Hour)},
			// Too old to hold anything.
			{Kind: journal.KindPurchase, Name: "web-2", Region: "ap-southeast-3", RequestID: "31111111-2222-4333-8444-555555555555", State: journal.StateUnknown, Time: now.Add(-25 * time.Hour)},
		},
		Servers: map[string]*api.Server{
			"000000000000000000000001": {Metadata: map[string]string{"image_name": "Ubuntu 22.04 server 64bit"}}, // as declared
			"000000000000000000000010": {Metadata: map[string]string{"image_name": "CentOS 7.9"}},
		},
		Subscriptions: map[string]api.Subscription{
			"000000000000000000000001": {ResourceID: "000000000000000000000001", ExpirePolicy: api.ExpireAutoRenew},
			"000000000000000000000003": {ResourceID: "000000000000000000000003", ExpirePolicy: 0},
		},
	}
	return f, st
}

// The plan as JSON: its keys and every kind of item (golden file).
func TestPlanGolden(t *testing.T) {
	f, st := planState(t)
	p := Build(f, st)
	got, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	text := []byte(p.Text())
	check := func(path string, got []byte) {
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs (go test -update rewrites it):\n%s", path, got)
		}
	}
	check("testdata/plan.golden.json", got)
	check("testdata/plan.golden.txt", text)
	if p.Pending != 2 || p.Held != 3 || p.Drift != 3 || p.Converged() || p.Doable() != 2 || p.HeldPurchases() != 2 {
		t.Errorf("pending %d held %d drift %d", p.Pending, p.Held, p.Drift)
	}
}

// The in-flight guard: what holds which purchase.
func TestGuard(t *testing.T) {
	file := `fleet: g
defaults: {region: ap-southeast-3, image: Ubuntu, image_version: "22.04", spec: hf.large.1.30m.linux}
instances: [{name: a}, {name: b}]
`
	f, ps := Decode([]byte(file), cat(t))
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	order := func(id string, status int) api.OrderInfo {
		return api.OrderInfo{OrderID: id, Status: status, OrderType: 1, CreateTime: "2026-12-04T11:00:00Z"}
	}
	entry := func(name, state string, age time.Duration, orders ...string) journal.Entry {
		return journal.Entry{Kind: journal.KindPurchase, Name: name, Region: "ap-southeast-3", RequestID: "r-" + name, State: state, Time: now.Add(-age), OrderIDs: orders}
	}
	completed := order("CS9", api.StatusCompleted)
	listed := resource("000000000000000000000009", "zzz", "ap-southeast-3", "RUNNING", "")
	listed.Properties.Metadata["order_id"] = "CS9"
	bought := entry("a", journal.StateAccepted, time.Minute, "CS9")
	bought.ResourceIDs = []string{"000000000000000000000009"}
	deleted := journal.Entry{Kind: journal.KindUnsubscribe, State: journal.StateAccepted, ResourceIDs: []string{"000000000000000000000009"}, Time: now}
	tests := []struct {
		name      string
		orders    []api.OrderInfo
		journal   []journal.Entry
		buy       string // the names bought, in order
		completed []api.OrderInfo
		rms       []api.Resource
	}{
		{"a completed order whose instance RMS lists holds nothing", nil, nil, "a,b", []api.OrderInfo{completed}, []api.Resource{listed}},
		{"a completed order whose instance RMS does not list yet holds every purchase", nil, nil, "", []api.OrderInfo{completed}, nil},
		{"... only its own, when the journal ties it to a name", nil, []journal.Entry{bought}, "b", []api.OrderInfo{completed}, nil},
		{"... none, when the journal shows its instance unsubscribed since", nil, []journal.Entry{bought, deleted}, "a,b", []api.OrderInfo{completed}, nil},
		{"nothing in flight", nil, nil, "a,b", nil, nil},
		{"an order nobody can tie to a name holds every purchase", []api.OrderInfo{order("CS1", api.StatusProcessing)}, nil, "", nil, nil},
		{"a pending payment order too", []api.OrderInfo{order("CS1", api.StatusPendingPayment)}, nil, "", nil, nil},
		{"an order the journal ties to a holds a only", []api.OrderInfo{order("CS1", api.StatusProcessing)}, []journal.Entry{entry("a", journal.StateAccepted, time.Minute, "CS1")}, "b", nil, nil},
		{"an order the journal ties to another name holds nothing", []api.OrderInfo{order("CS1", api.StatusProcessing)}, []journal.Entry{entry("zzz", journal.StateAccepted, time.Minute, "CS1")}, "a,b", nil, nil},
		{"an unknown attempt holds its name", nil, []journal.Entry{entry("b", journal.StateUnknown, time.Hour)}, "a", nil, nil},
		{"an unknown attempt of a day ago no longer does", nil, []journal.Entry{entry("b", journal.StateUnknown, 25*time.Hour)}, "a,b", nil, nil},
		{"a rejected attempt holds nothing", nil, []journal.Entry{entry("b", journal.StateRejected, time.Hour)}, "a,b", nil, nil},
		{"another kind's unknown attempt holds nothing", nil, []journal.Entry{{Kind: journal.KindRenew, Name: "a", Region: "ap-southeast-3", State: journal.StateUnknown, Time: now}}, "a,b", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Build(f, &State{Now: now, Orders: tt.orders, Journal: tt.journal, Completed: tt.completed, Instances: tt.rms})
			var bought []string
			for _, it := range p.Items {
				if it.Op == OpBuy {
					bought = append(bought, it.Name)
				}
			}
			if got := strings.Join(bought, ","); got != tt.buy {
				t.Errorf("buys %q, want %q\n%s", got, tt.buy, p.Text())
			}
			held := len(strings.Split(tt.buy, ",")) // 2 minus the bought
			if tt.buy == "" {
				held = 0
			}
			if p.HeldPurchases() != 2-held {
				t.Errorf("held %d, want %d", p.HeldPurchases(), 2-held)
			}
		})
	}
}

// A fleet instance is matched by tag first, by name only without a tag;
// an instance of another fleet is never the file's.
func TestMatch(t *testing.T) {
	f := &File{Fleet: "f"}
	in := Instance{Name: "a", Region: "r"}
	tagged := resource("1", "a", "r", "RUNNING", "f")
	other := resource("2", "a", "r", "RUNNING", "g")
	bare := resource("3", "a", "r", "RUNNING", "")
	elsewhere := resource("4", "a", "s", "RUNNING", "f")
	for _, tt := range []struct {
		rs     []api.Resource
		id, by string
	}{
		{[]api.Resource{bare, tagged}, "1", MatchTag},
		{[]api.Resource{bare}, "3", MatchName},
		{[]api.Resource{other}, "", ""},
		{[]api.Resource{elsewhere}, "", ""},
	} {
		r, by, _ := match(f, in, tt.rs)
		id := ""
		if r != nil {
			id = r.ID
		}
		if id != tt.id || by != tt.by {
			t.Errorf("%v: matched %q by %q, want %q by %q", tt.rs, id, by, tt.id, tt.by)
		}
	}
}

func TestImageDrift(t *testing.T) {
	catalogImage := &purchase.Request{ImageRef: &purchase.ImageRef{ImageName: "Ubuntu", ImageVersion: "22.04"}}
	private := &purchase.Request{ImageRef: &purchase.ImageRef{ImageID: "img-1"}}
	srv := func(id, name string) *api.Server {
		return &api.Server{Image: api.ServerImage{ID: id}, Metadata: map[string]string{"image_name": name}}
	}
	for _, tt := range []struct {
		r     *purchase.Request
		srv   *api.Server
		drift bool
	}{
		{catalogImage, srv("x", "Ubuntu 22.04"), false},
		{catalogImage, srv("x", "ubuntu 22.04 server 64bit"), false},
		{catalogImage, srv("x", "Ubuntu 20.04"), true},
		{catalogImage, srv("x", ""), false}, // ECS does not say
		{catalogImage, nil, false},          // not read
		{private, srv("img-1", "anything"), false},
		{private, srv("img-2", "anything"), true},
	} {
		if got := imageDrift(tt.r, tt.srv) != ""; got != tt.drift {
			t.Errorf("%+v on %+v: drift %v", tt.r.ImageRef, tt.srv, got)
		}
	}
}
