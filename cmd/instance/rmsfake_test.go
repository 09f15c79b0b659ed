package instancecmd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/flexusl/flexusl/cmd"
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/ui"
)

// rmsFake is a fake of the RMS, ECS, BSS and HCSS routes the instance
// commands use, written from LIFECYCLE.md's shapes (not from flexusl's
// types). It records every request.
type rmsFake struct {
	mu        sync.Mutex
	instances []map[string]any // RMS entries, in RMS order
	servers   map[string]string
	subs      map[string]string
	fail      map[string]int // route -> HTTP status to answer
	requests  []string
	// hidden instances appear in RMS only after this many listings.
	appearAfter int
	listings    int
	orderStatus int
	url         string
}

func newRMSFake(t *testing.T) *rmsFake {
	c := &rmsFake{servers: map[string]string{}, subs: map[string]string{}, fail: map[string]int{}, orderStatus: 5}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	c.url = srv.URL
	return c
}

// add puts an instance in RMS; ip "" gives it no EIP entry.
func (c *rmsFake) add(id, name, region, status, ip string, tags map[string]string) {
	res := []any{map[string]any{"logical_resource_type": "huaweicloudinternal_ecs_instance", "physical_resource_id": "srv-" + id}}
	if ip != "" {
		res = append(res, map[string]any{"logical_resource_type": "huaweicloudinternal_eip", "physical_resource_id": "eip-" + id,
			"resource_attributes": []any{map[string]any{"key": "public_ip_address", "value": ip}}})
	}
	if tags == nil {
		tags = map[string]string{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.instances = append(c.instances, map[string]any{"id": id, "name": name, "provider": "hcss", "type": "l-instance", "region_id": region,
		"project_id": "proj-" + region, "created": "2026-11-20T10:00:00Z", "state": "Normal", "provisioning_state": "Succeeded", "tags": tags,
		"properties": map[string]any{"status": status, "metadata": map[string]any{"charging_mode": "prePaid", "order_id": "CS2611201000AAAAA", "resource_spec_code": "hf.large.1.30m.linux"}, "resources": res}})
}

func (c *rmsFake) count(prefix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, r := range c.requests {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}
	return n
}

func (c *rmsFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests = append(c.requests, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
	route := ""
	switch {
	case r.Method == "GET" && r.URL.Path == "/v1/resource-manager/domains/dom/all-resources":
		route = "rms"
	case r.Method == "GET" && strings.Contains(r.URL.Path, "/cloudservers/"):
		route = "ecs"
	case r.Method == "POST" && r.URL.Path == "/v2/orders/suscriptions/resources/query":
		route = "bss"
	case r.Method == "POST" && r.URL.Path == "/v1/light-instances":
		route = "buy"
	case r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/v2/orders/customer-orders/details/"):
		route = "order"
	}
	if st := c.fail[route]; st != 0 {
		w.WriteHeader(st)
		fmt.Fprintf(w, `{"error_code":"FAKE.%d","error_msg":"injected","request_id":"r-1"}`, st)
		return
	}
	switch route {
	case "rms":
		c.listings++
		q := r.URL.Query()
		if q.Get("type") != "hcss.l-instance" {
			w.WriteHeader(400)
			return
		}
		limit, _ := strconv.Atoi(q.Get("limit"))
		var match []map[string]any
		for _, in := range c.instances {
			if q.Get("region_id") != "" && in["region_id"] != q.Get("region_id") {
				continue
			}
			if q.Get("name") != "" && in["name"] != q.Get("name") {
				continue
			}
			if c.listings <= c.appearAfter {
				continue
			}
			match = append(match, in)
		}
		start, _ := strconv.Atoi(strings.TrimPrefix(q.Get("marker"), "mk-"))
		end := min(start+limit, len(match))
		var next any
		if end < len(match) {
			next = fmt.Sprintf("mk-%d", end)
		}
		page := match[start:end]
		if page == nil {
			page = []map[string]any{}
		}
		json.NewEncoder(w).Encode(map[string]any{"resources": page, "page_info": map[string]any{"current_count": len(page), "next_marker": next}})
	case "ecs":
		id := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		s, ok := c.servers[id]
		if !ok {
			w.WriteHeader(404)
			fmt.Fprintf(w, `{"error":{"message":"Instance[%s] could not be found.","code":"Ecs.0114"}}`, id)
			return
		}
		io.WriteString(w, s)
	case "bss":
		var q struct {
			ResourceIDs []string `json:"resource_ids"`
		}
		json.Unmarshal(body, &q)
		var data []string
		for _, id := range q.ResourceIDs {
			if s, ok := c.subs[id]; ok {
				data = append(data, s)
			}
		}
		fmt.Fprintf(w, `{"total_count":%d,"data":[%s]}`, len(data), strings.Join(data, ","))
	case "buy":
		w.WriteHeader(202)
		io.WriteString(w, `{"order_id":"CS2611271000BBBBB","instance_ids":["aaaaaaaaaaaaaaaaaaaaaaa1","aaaaaaaaaaaaaaaaaaaaaaa2"]}`)
	case "order":
		id := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		fmt.Fprintf(w, `{"total_count":1,"order_info":{"order_id":"%s","status":%d,"order_type":1,"create_time":"2026-11-27T10:00:00Z","currency":"USD"},"order_line_items":[]}`, id, c.orderStatus)
	default:
		w.WriteHeader(404)
		fmt.Fprintf(w, `{"error_code":"FAKE.404","error_msg":"no route %s %s"}`, r.Method, r.URL.Path)
	}
}

// run runs flexusl in-process against the fake cloud. env adds to (or,
// with "", removes from) the defaults.
func (c *rmsFake) run(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	dir := t.TempDir()
	e := map[string]string{"FLEXUSL_ENDPOINT": c.url, "FLEXUSL_BSS_ENDPOINT": c.url, "FLEXUSL_RMS_ENDPOINT": c.url, "FLEXUSL_ECS_ENDPOINT": c.url, "FLEXUSL_VPC_ENDPOINT": c.url,
		"FLEXUSL_IAM_ENDPOINT": c.url, "FLEXUSL_TOKEN": token, "FLEXUSL_DOMAIN_ID": "dom", "FLEXUSL_MAX_RETRIES": "0",
		"FLEXUSL_CONFIG": filepath.Join(dir, "c.yaml"), "XDG_STATE_HOME": filepath.Join(dir, "state"), "XDG_CACHE_HOME": filepath.Join(dir, "cache")}
	for k, v := range env {
		if v == "" {
			delete(e, k)
		} else {
			e[k] = v
		}
	}
	io, _, out, errOut := ui.Test()
	f := &cmdutil.Factory{IO: io, Getenv: func(k string) string { return e[k] }}
	code = cmd.Run(context.Background(), f, args)
	return out.String(), errOut.String(), code
}

func keysOf(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}
