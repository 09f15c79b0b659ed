package instance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/wait"
)

// The documented RMS example (LIFECYCLE.md §2).
const rmsExample = `{"resources":[{"id":"6743d0e3708be6007b8c8012","name":"web-1","provider":"hcss","type":"l-instance",
  "region_id":"ap-southeast-3","project_id":"067cf8aecf3d4f4b8b2d2b2c7a1e2f3a","created":"2024-11-25T10:51:12Z","state":"Normal",
  "properties":{"status":"RUNNING",
    "metadata":{"charging_mode":"prePaid","order_id":"CS2411251851XXXXX"},
    "resources":[
      {"logical_resource_type":"huaweicloudinternal_ecs_instance","physical_resource_id":"72a270de-665a-4f46-8d64-24ad6edccdd1"},
      {"logical_resource_type":"huaweicloudinternal_eip","physical_resource_id":"5d0b2c4e-1f2a-4b3c-8d9e-0f1a2b3c4d5e",
       "resource_attributes":[{"key":"public_ip_address","value":"203.0.113.7"}]},
      {"logical_resource_type":"huaweicloudinternal_cbc_freeresource","physical_resource_id":"828e2c7c-3c8c-45a2-bebc-98cb3e77d06e"}]}}],
 "page_info":{"current_count":1,"next_marker":null}}`

func example(t *testing.T) api.Resource {
	t.Helper()
	var p api.ListResourcesPage
	if err := api.DecodeJSON([]byte(rmsExample), &p); err != nil {
		t.Fatal(err)
	}
	return p.Resources[0]
}

// The list JSON shape: exactly the keys, in its order; public_ip
// "" when none; tags an object.
func TestViewJSONShape(t *testing.T) {
	r := example(t)
	got, _ := json.Marshal(NewView(&r))
	want := `{"id":"6743d0e3708be6007b8c8012","name":"web-1","region":"ap-southeast-3","status":"RUNNING","spec":"","public_ip":"203.0.113.7","expires":"",` +
		`"server_id":"72a270de-665a-4f46-8d64-24ad6edccdd1","order_id":"CS2411251851XXXXX","charging_mode":"prePaid","created":"2024-11-25T10:51:12Z","tags":{}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	bare := api.Resource{ID: "x", Tags: map[string]string{"env": "prod"}}
	got, _ = json.Marshal(NewView(&bare))
	if string(got) != `{"id":"x","name":"","region":"","status":"","spec":"","public_ip":"","expires":"","server_id":"","order_id":"","charging_mode":"","created":"","tags":{"env":"prod"}}` {
		t.Errorf("bare: %s", got)
	}
}

type fakeLister struct {
	mu    sync.Mutex
	calls []api.ListInstancesOptions
	pages func(n int) ([]api.Resource, error)
}

func (f *fakeLister) ListInstances(ctx context.Context, o api.ListInstancesOptions) ([]api.Resource, error) {
	f.mu.Lock()
	f.calls = append(f.calls, o)
	n := len(f.calls)
	f.mu.Unlock()
	return f.pages(n)
}

func res(id, name, region, status, ip string) api.Resource {
	r := api.Resource{ID: id, Name: name, RegionID: region, Properties: api.ResourceProperties{Status: status}}
	if ip != "" {
		r.Properties.Resources = []api.SubResource{{LogicalResourceType: api.LogicalEIP, ResourceAttributes: []api.KeyValuePair{{Key: "public_ip_address", Value: ip}}}}
	}
	return r
}

func TestListFiltersAndSorts(t *testing.T) {
	all := []api.Resource{
		res("c", "web", "tr-west-1", "RUNNING", "203.0.113.3"),
		res("a", "web", "ap-southeast-3", "STOPPED", ""),
		res("b", "db", "ap-southeast-3", "RUNNING", "203.0.113.2"),
		res("d", "web-2", "ap-southeast-3", "running", ""),
	}
	l := &fakeLister{pages: func(int) ([]api.Resource, error) { return all, nil }}
	ids := func(vs []View) string {
		var s []string
		for _, v := range vs {
			s = append(s, v.ID)
		}
		return strings.Join(s, ",")
	}
	tests := []struct {
		o        ListOptions
		want     string
		complete bool
	}{
		{ListOptions{}, "b,a,d,c", true},
		{ListOptions{Region: "ap-southeast-3"}, "b,a,d", true},
		{ListOptions{Name: "web"}, "a,c", false},
		{ListOptions{Status: "running"}, "b,d,c", false},
		{ListOptions{Status: "RUNNING", Region: "tr-west-1"}, "c", false},
		{ListOptions{Name: "nosuch"}, "", false},
	}
	for _, tt := range tests {
		vs, complete, err := List(context.Background(), l, tt.o)
		if err != nil || ids(vs) != tt.want || complete != tt.complete {
			t.Errorf("%+v: %s %v %v; want %s %v", tt.o, ids(vs), complete, err, tt.want, tt.complete)
		}
		if last := l.calls[len(l.calls)-1]; last.Region != tt.o.Region || last.Name != tt.o.Name {
			t.Errorf("%+v: RMS asked with %+v", tt.o, last)
		}
	}
	boom := errors.New("boom")
	l.pages = func(int) ([]api.Resource, error) { return nil, boom }
	if _, _, err := List(context.Background(), l, ListOptions{}); err != boom {
		t.Error(err)
	}
}

func TestTables(t *testing.T) {
	r := example(t)
	vs := []View{NewView(&r), NewView(&api.Resource{ID: "x"})}
	vs[0].Spec, vs[0].Expires = "hf.large.1.30m.linux", "2024-12-25T15:59:59Z"
	h, rows := ListTable(vs)
	if strings.Join(h, "|") != "ID|NAME|REGION|STATUS|SPEC|PUBLIC IP|EXPIRES|CREATED" ||
		strings.Join(rows[0], "|") != "6743d0e3708be6007b8c8012|web-1|ap-southeast-3|RUNNING|hf.large.1.30m.linux|203.0.113.7|2024-12-25 15:59:59 UTC|2024-11-25 10:51:12 UTC" ||
		strings.Join(rows[1], "|") != "x|-|-|-|-|-|-|-" {
		t.Errorf("%v %v", h, rows)
	}
	h, rows = AddressTable(vs)
	if strings.Join(h, "|") != "INSTANCE ID|PUBLIC IP" || strings.Join(rows[1], "|") != "x|-" {
		t.Errorf("%v %v", h, rows)
	}
	if c := CacheEntries(vs); len(c) != 2 || c[0].Name != "web-1" || c[0].Region != "ap-southeast-3" {
		t.Errorf("%+v", c)
	}
}

// fakeClock advances only when the waiter waits.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.t
	return ch
}

func TestWaitRunning(t *testing.T) {
	ids := []string{"i1", "i2", "i3"}
	transient := &api.TransientError{Op: "list instances", Cause: errors.New("HTTP 503")}
	tests := []struct {
		name  string
		pages func(n int) ([]api.Resource, error)
		code  int
		err   string
		got   string // IDs returned
		texts string
	}{
		{"appear, start, get IPs", func(n int) ([]api.Resource, error) {
			switch n {
			case 1:
				return nil, nil
			case 2:
				return []api.Resource{res("i2", "w", "r", "CREATING", ""), res("other", "o", "r", "RUNNING", "203.0.113.99")}, nil
			case 3:
				return nil, transient
			case 4:
				return []api.Resource{res("i3", "w", "r", "RUNNING", "203.0.113.3"), res("i2", "w", "r", "RUNNING", ""), res("i1", "w", "r", "RUNNING", "203.0.113.1")}, nil
			}
			return []api.Resource{res("i3", "w", "r", "RUNNING", "203.0.113.3"), res("i2", "w", "r", "running", "203.0.113.2"), res("i1", "w", "r", "RUNNING", "203.0.113.1")}, nil
		}, 0, "", "i1,i2,i3",
			"0/3 running with a public IP, 3 not listed yet|0/3 running with a public IP, 2 not listed yet|transient|2/3 running with a public IP|3/3 running with a public IP"},
		{"timeout shows what was seen", func(n int) ([]api.Resource, error) {
			return []api.Resource{res("i1", "w", "r", "RUNNING", "203.0.113.1")}, nil
		}, exitcode.Timeout, "timed out after 1m0s waiting for the instances of order CS1 (last status: 1/3 running with a public IP, 2 not listed yet); resume with: flexusl order wait CS1", "i1", ""},
		{"provisioning failed", func(n int) ([]api.Resource, error) {
			r := res("i2", "w", "r", "", "")
			r.ProvisioningState = "Failed"
			return []api.Resource{r}, nil
		}, exitcode.OrderFailed, "instance(s) will not run: i2 (RMS provisioning_state Failed)", "i2", ""},
		{"deleted", func(n int) ([]api.Resource, error) {
			r := res("i3", "w", "r", "RUNNING", "203.0.113.3")
			r.State = "Deleted"
			r.Properties.Status = "STOPPED"
			return []api.Resource{r}, nil
		}, exitcode.OrderFailed, "i3 (RMS state Deleted)", "i3", ""},
		{"a hard error ends it", func(n int) ([]api.Resource, error) {
			return nil, &api.Error{Op: "list instances", StatusCode: 403, Code: "RMS.00010005"}
		}, exitcode.Auth, "HTTP 403", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &fakeLister{pages: tt.pages}
			var texts []string
			o := WaitOptions{Region: "r", Timeout: time.Minute, Interval: 10 * time.Second, Clock: &fakeClock{t: time.Unix(0, 0)},
				What: "the instances of order CS1", Resume: "flexusl order wait CS1",
				OnEvent: func(e wait.Event) {
					if e.Transient != nil {
						texts = append(texts, "transient")
					} else {
						texts = append(texts, e.State.Text)
					}
				}}
			rs, err := WaitRunning(context.Background(), l, ids, o)
			if exitcode.Of(err) != tt.code || (tt.err != "" && !strings.Contains(fmt.Sprint(err), tt.err)) {
				t.Fatalf("exit %d %v; want %d %q", exitcode.Of(err), err, tt.code, tt.err)
			}
			var got []string
			for _, r := range rs {
				got = append(got, r.ID)
			}
			if strings.Join(got, ",") != tt.got {
				t.Errorf("returned %v, want %s", got, tt.got)
			}
			if tt.texts != "" && strings.Join(texts, "|") != tt.texts {
				t.Errorf("events %q", texts)
			}
			for _, c := range l.calls {
				if c.Region != "r" {
					t.Errorf("listed with %+v", c)
				}
			}
		})
	}
}

// Timeout 0 (the order wait used the whole --timeout) still looks once.
func TestWaitRunningZeroTimeoutLooksOnce(t *testing.T) {
	l := &fakeLister{pages: func(int) ([]api.Resource, error) {
		return []api.Resource{res("i1", "w", "r", "RUNNING", "203.0.113.1")}, nil
	}}
	rs, err := WaitRunning(context.Background(), l, []string{"i1"}, WaitOptions{Clock: &fakeClock{}, Interval: time.Second})
	if err != nil || len(rs) != 1 || len(l.calls) != 1 {
		t.Errorf("%v %v after %d", rs, err, len(l.calls))
	}
	l.pages = func(int) ([]api.Resource, error) { return nil, nil }
	_, err = WaitRunning(context.Background(), l, []string{"i1"}, WaitOptions{Clock: &fakeClock{}, Interval: time.Second})
	if exitcode.Of(err) != exitcode.Timeout || len(l.calls) != 2 {
		t.Errorf("%v after %d", err, len(l.calls))
	}
	if rs, err := WaitRunning(context.Background(), l, nil, WaitOptions{}); rs != nil || err != nil || len(l.calls) != 2 {
		t.Error("no IDs: nothing to wait for")
	}
}

// Ctrl-C: exit 130, the resume line.
func TestWaitRunningInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	l := &fakeLister{pages: func(int) ([]api.Resource, error) { cancel(); return nil, nil }}
	_, err := WaitRunning(ctx, l, []string{"i1"}, WaitOptions{Timeout: time.Hour, Interval: time.Second, Resume: "flexusl order wait CS1"})
	if exitcode.Of(err) != exitcode.Interrupted || !strings.Contains(err.Error(), "resume with: flexusl order wait CS1") {
		t.Errorf("%v", err)
	}
}

type subsReader struct {
	mu    sync.Mutex
	calls [][]string
	fail  string // a chunk holding this ID fails
}

func (s *subsReader) ListPayPerUseCustomerResources(_ context.Context, ids []string) ([]api.Subscription, error) {
	s.mu.Lock()
	s.calls = append(s.calls, ids)
	s.mu.Unlock()
	var out []api.Subscription
	for _, id := range ids {
		if id == s.fail {
			return nil, errors.New("403 no billing permission")
		}
		out = append(out, api.Subscription{ResourceID: id, ExpireTime: "2027-01-01T00:00:00Z"})
	}
	return out, nil
}

// Expiry dates: the IDs in calls of at most api.MaxSubscriptionIDs; one
// failing call leaves its instances without a date and reports the error.
func TestAddExpiries(t *testing.T) {
	vs := make([]View, 120)
	for i := range vs {
		vs[i].ID = fmt.Sprintf("%024d", i)
	}
	rd := &subsReader{}
	if err := AddExpiries(context.Background(), rd, vs); err != nil || len(rd.calls) != 3 || vs[119].Expires != "2027-01-01T00:00:00Z" {
		t.Fatalf("%v: %d calls, %q", err, len(rd.calls), vs[119].Expires)
	}
	for _, c := range rd.calls {
		if len(c) > api.MaxSubscriptionIDs {
			t.Errorf("%d IDs in one call", len(c))
		}
	}
	rd = &subsReader{fail: vs[60].ID}
	for i := range vs {
		vs[i].Expires = ""
	}
	err := AddExpiries(context.Background(), rd, vs)
	if err == nil || vs[60].Expires != "" || vs[0].Expires == "" || vs[110].Expires == "" {
		t.Errorf("%v %q %q %q", err, vs[60].Expires, vs[0].Expires, vs[110].Expires)
	}
	if err := AddExpiries(context.Background(), rd, nil); err != nil || len(rd.calls) != 3 {
		t.Errorf("no views: %v, %d calls", err, len(rd.calls))
	}
}
