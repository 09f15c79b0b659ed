package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/journal"
)

// fakeBSS is a small RMS + BSS for the money commands: it records every
// request and answers from a little state, with faults queued per route.
type fakeBSS struct {
	t         *testing.T
	mu        sync.Mutex
	reqs      []fakeReq
	faults    map[string][]string // route -> "429", "500", "drop", "timeout", "400:CODE", "body:JSON"
	instances []fakeInstance
	orders    map[string]*fakeOrder
	seq       int
	url       string
	failLast  bool // the next renew or unsubscribe fails its last ID
}

type fakeReq struct {
	Route, Method, Path, Query string
	Header                     http.Header
	Body                       string
}

type fakeInstance struct {
	ID, Name, Region, Expire string
	AutoRenew                bool
	Package                  string
	Remaining, Total         float64
}

type fakeOrder struct {
	ID                 string
	Status, Type       int
	Amount             float64
	Created            time.Time
	InstanceIDs        []string
	PaymentTime        string
	Currency           string
	ServiceTypeCodeSet bool
}

const fakeDomain = "0a1b2c3d4e5f"

func newFakeBSS(t *testing.T, n int) *fakeBSS {
	fb := &fakeBSS{t: t, faults: map[string][]string{}, orders: map[string]*fakeOrder{}}
	for i := range n {
		fb.instances = append(fb.instances, fakeInstance{ID: fmt.Sprintf("6743d0e3708be6007b8c%04x", i), Name: fmt.Sprintf("web-%d", i+1), Region: "ap-southeast-3",
			Expire: "2025-01-31T15:59:59Z", Package: fmt.Sprintf("828e2c7c-3c8c-45a2-bebc-%012x", i), Remaining: 742.5, Total: 1024})
	}
	srv := httptest.NewServer(fb)
	t.Cleanup(srv.Close)
	fb.url = srv.URL
	return fb
}

func (fb *fakeBSS) env(dir string) map[string]string {
	return map[string]string{"FLEXUSL_ENDPOINT": fb.url, "FLEXUSL_BSS_ENDPOINT": fb.url, "FLEXUSL_RMS_ENDPOINT": fb.url, "FLEXUSL_IAM_ENDPOINT": fb.url,
		"FLEXUSL_ECS_ENDPOINT": fb.url, "FLEXUSL_VPC_ENDPOINT": fb.url, "FLEXUSL_TOKEN": "fake-token-SECRET-77", "FLEXUSL_DOMAIN_ID": fakeDomain, "XDG_STATE_HOME": dir,
		"FLEXUSL_CONFIG": filepath.Join(dir, "config.yaml"), "FLEXUSL_TIMEOUT": "400ms"}
}

func (fb *fakeBSS) fault(route string, kinds ...string) {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	fb.faults[route] = append(fb.faults[route], kinds...)
}

func (fb *fakeBSS) requests(route string) []fakeReq {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	var out []fakeReq
	for _, r := range fb.reqs {
		if route == "" || r.Route == route {
			out = append(out, r)
		}
	}
	return out
}

// changes counts the requests that change something (not reads).
func (fb *fakeBSS) changes() int {
	n := 0
	for _, r := range fb.requests("") {
		switch r.Route {
		case "renew", "unsubscribe", "autorenew", "pay", "cancel":
			n++
		}
	}
	return n
}

func routeOf(r *http.Request) string {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/v1/resource-manager/domains/"):
		return "rms"
	case p == "/v2/orders/subscriptions/resources/renew":
		return "renew"
	case p == "/v2/orders/subscriptions/resources/unsubscribe":
		return "unsubscribe"
	case strings.HasPrefix(p, "/v2/orders/subscriptions/resources/autorenew/"):
		return "autorenew"
	case p == "/v2/orders/suscriptions/resources/query":
		return "subscriptions"
	case p == "/v3/orders/customer-orders/pay":
		return "pay"
	case p == "/v2/orders/customer-orders/cancel":
		return "cancel"
	case p == "/v2/orders/customer-orders":
		return "orders"
	case strings.HasPrefix(p, "/v2/orders/customer-orders/details/"):
		return "order"
	case p == "/v2/payments/free-resources/usages/details/query":
		return "traffic"
	}
	return "unknown"
}

func (fb *fakeBSS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	route := routeOf(r)
	fb.mu.Lock()
	fb.reqs = append(fb.reqs, fakeReq{route, r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(body)})
	var fault string
	if q := fb.faults[route]; len(q) > 0 {
		fault, fb.faults[route] = q[0], q[1:]
	}
	fb.mu.Unlock()
	switch {
	case fault == "429":
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(429)
		io.WriteString(w, `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}`)
		return
	case fault == "500":
		w.WriteHeader(500)
		io.WriteString(w, `{"error_code":"CBC.0999","error_msg":"Other errors."}`)
		return
	case fault == "drop":
		fb.apply(route, r, body) // taken, then the answer is lost
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
		return
	case fault == "timeout":
		fb.apply(route, r, body)
		time.Sleep(700 * time.Millisecond)
		return
	case fault == "partial":
		fb.mu.Lock()
		fb.failLast = true
		fb.mu.Unlock()
	case strings.HasPrefix(fault, "400:"):
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"error_code":%q,"error_msg":"refused by the test"}`, strings.TrimPrefix(fault, "400:"))
		return
	case strings.HasPrefix(fault, "500:"):
		w.WriteHeader(500)
		fmt.Fprintf(w, `{"error_code":%q,"error_msg":"a 5xx with a refusal's code"}`, strings.TrimPrefix(fault, "500:"))
		return
	case strings.HasPrefix(fault, "body:"): // a hostile 200 answer, state untouched
		io.WriteString(w, strings.TrimPrefix(fault, "body:"))
		return
	case strings.HasPrefix(fault, "403"):
		w.WriteHeader(403)
		io.WriteString(w, `{"error_code":"CBC.0151","error_msg":"Access denied."}`)
		return
	}
	status, answer := fb.apply(route, r, body)
	w.WriteHeader(status)
	if answer != nil {
		json.NewEncoder(w).Encode(answer)
	}
}

func (fb *fakeBSS) newOrder(typ int, ids []string, status int) string {
	fb.seq++
	id := fmt.Sprintf("CS2501010000%05d", fb.seq)
	fb.orders[id] = &fakeOrder{ID: id, Status: status, Type: typ, Amount: 5, Currency: "USD", Created: time.Now().UTC(), InstanceIDs: ids}
	return id
}

func (fb *fakeBSS) instance(id string) *fakeInstance {
	for i := range fb.instances {
		if fb.instances[i].ID == id {
			return &fb.instances[i]
		}
	}
	return nil
}

// apply changes the state and returns the answer.
func (fb *fakeBSS) apply(route string, r *http.Request, body []byte) (int, any) {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	switch route {
	case "rms":
		var rs []any
		for _, in := range fb.instances {
			rs = append(rs, map[string]any{"id": in.ID, "name": in.Name, "region_id": in.Region, "project_id": "p-" + in.Region, "state": "Normal",
				"properties": map[string]any{"status": "RUNNING", "metadata": map[string]string{"charging_mode": "prePaid", "order_id": "CS0"},
					"resources": []any{
						map[string]any{"logical_resource_type": "huaweicloudinternal_ecs_instance", "physical_resource_id": "srv-" + in.ID},
						map[string]any{"logical_resource_type": "huaweicloudinternal_eip", "physical_resource_id": "eip-" + in.ID,
							"resource_attributes": []any{map[string]string{"key": "public_ip_address", "value": "203.0.113.7"}}},
						map[string]any{"logical_resource_type": "huaweicloudinternal_cbc_freeresource", "physical_resource_id": in.Package}}}})
		}
		return 200, map[string]any{"resources": rs, "page_info": map[string]any{"current_count": len(rs), "next_marker": nil}}
	case "renew", "unsubscribe":
		var req struct {
			ResourceIDs []string `json:"resource_ids"`
			IsAutoPay   int      `json:"is_auto_pay"`
		}
		json.Unmarshal(body, &req)
		var ok []string
		fails := []map[string]string{}
		for i, id := range req.ResourceIDs {
			if fb.instance(id) == nil || fb.failLast && i == len(req.ResourceIDs)-1 {
				fails = append(fails, map[string]string{"error_code": "CBC.99003016", "error_msg": "The resource does not exist.", "resource_id": id})
				continue
			}
			ok = append(ok, id)
		}
		fb.failLast = false
		orders := []string{}
		if len(ok) > 0 {
			typ, st := 2, 6
			if route == "unsubscribe" {
				typ, st = 4, 5
			}
			if req.IsAutoPay == 1 {
				st = 5
			}
			orders = append(orders, fb.newOrder(typ, ok, st))
		}
		return 200, map[string]any{"order_ids": orders, "fail_resource_infos": fails}
	case "autorenew":
		id := strings.TrimPrefix(r.URL.Path, "/v2/orders/subscriptions/resources/autorenew/")
		in := fb.instance(id)
		if in == nil {
			return 400, map[string]string{"error_code": "CBC.99003012", "error_msg": "not found"}
		}
		if r.Method == http.MethodDelete && !in.AutoRenew {
			return 400, map[string]string{"error_code": "CBC.99003605", "error_msg": "already cancelled"}
		}
		in.AutoRenew = r.Method == http.MethodPost
		return 204, nil
	case "subscriptions":
		var q struct {
			ResourceIDs []string `json:"resource_ids"`
		}
		json.Unmarshal(body, &q)
		data := []any{}
		for _, id := range q.ResourceIDs {
			if in := fb.instance(id); in != nil {
				policy := 0
				if in.AutoRenew {
					policy = 3
				}
				data = append(data, map[string]any{"resource_id": id, "region_code": in.Region, "is_main_resource": 1, "status": 2,
					"effective_time": "2024-12-31T10:00:00Z", "expire_time": in.Expire, "expire_policy": policy})
			}
		}
		return 200, map[string]any{"total_count": len(data), "data": data}
	case "pay", "cancel":
		var req struct {
			OrderID string `json:"order_id"`
		}
		json.Unmarshal(body, &req)
		o := fb.orders[req.OrderID]
		if o == nil || o.Status != 6 {
			code := "CBC.99003106"
			if route == "cancel" {
				code = "CBC.99005010"
			}
			return 400, map[string]string{"error_code": code, "error_msg": "status"}
		}
		if route == "pay" {
			o.Status, o.PaymentTime = 5, time.Now().UTC().Format("2006-01-02T15:04:05Z")
		} else {
			o.Status = 4
		}
		return 204, nil
	case "order":
		id := strings.TrimPrefix(r.URL.Path, "/v2/orders/customer-orders/details/")
		o := fb.orders[id]
		if o == nil {
			return 400, map[string]string{"error_code": "CBC.30000010", "error_msg": "Invalid order."}
		}
		return 200, map[string]any{"total_count": 1, "order_info": fb.orderJSON(o), "order_line_items": []any{}}
	case "orders":
		infos := []any{}
		for _, o := range fb.orders {
			infos = append(infos, fb.orderJSON(o))
		}
		return 200, map[string]any{"total_count": len(infos), "order_infos": infos}
	case "traffic":
		var q struct {
			IDs []string `json:"free_resource_ids"`
		}
		json.Unmarshal(body, &q)
		out := []any{}
		for _, id := range q.IDs {
			for _, in := range fb.instances {
				if in.Package == id {
					out = append(out, map[string]any{"free_resource_id": id, "usage_type_name": "Upstream traffic", "quota_reuse_cycle": 4, "quota_reuse_cycle_type": 2,
						"start_time": "2025-01-25T16:00:00Z", "end_time": "2025-02-25T16:00:00Z", "amount": in.Remaining, "original_amount": in.Total, "measure_id": 10})
				}
			}
		}
		return 200, map[string]any{"free_resources": out}
	}
	return 404, map[string]string{"error_code": "TEST.404", "error_msg": "no route " + r.URL.Path}
}

func (fb *fakeBSS) orderJSON(o *fakeOrder) map[string]any {
	m := map[string]any{"order_id": o.ID, "status": o.Status, "order_type": o.Type, "amount_after_discount": o.Amount, "currency": o.Currency,
		"create_time": o.Created.Format("2006-01-02T15:04:05Z"), "service_type_code": "hws.service.type.hcss"}
	if o.PaymentTime != "" {
		m["payment_time"] = o.PaymentTime
	}
	return m
}

// journalOf reads the journal of a run's state dir.
func journalOf(t *testing.T, dir string) []journal.Entry {
	t.Helper()
	path, err := journal.DefaultPath(func(k string) string {
		if k == "XDG_STATE_HOME" {
			return dir
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	es, _, err := journal.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// journaled reports whether the journal holds requestID's attempt, begun
// before it was sent and finished in state.
func journaled(t *testing.T, dir, requestID, state string) bool {
	t.Helper()
	for _, e := range journalOf(t, dir) {
		if e.RequestID == requestID && e.Attempt != "" && e.State == state && e.Finished != nil {
			return true
		}
	}
	return false
}
