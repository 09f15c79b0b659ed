package instancecmd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd"
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api/apitest"
	"github.com/flexusl/flexusl/pkg/ui"
)

// The routes the instance commands read, for apitest stubs.
const (
	rmsPath      = "/v1/resource-manager/domains/dom/all-resources"
	subsPath     = "/v2/orders/suscriptions/resources/query"
	injected403  = `{"error_code":"FAKE.403","error_msg":"injected","request_id":"r-1"}`
	subscription = `{"resource_id":"6743d0e3708be6007b8c8012","region_code":"ap-southeast-3","is_main_resource":1,"status":2,` +
		`"effective_time":"2026-11-20T10:00:00Z","expire_time":"2026-12-20T15:59:59Z","expire_policy":3}`
)

var subsQuery = apitest.REST("POST", subsPath)

// rmsList matches an RMS listing of FlexusL instances, 200 a page, with
// exactly the extra query parameters kv (key, value, ...).
func rmsList(kv ...string) apitest.Matcher {
	q := url.Values{"limit": {"200"}, "type": {"hcss.l-instance"}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return apitest.Query("GET", rmsPath, q)
}

// entry is an RMS entry of a FlexusL instance in LIFECYCLE.md §2's shape
// (not flexusl's types); ip "" gives it no EIP resource.
func entry(id, name, region, status, ip string, tags map[string]string) map[string]any {
	res := []any{map[string]any{"logical_resource_type": "huaweicloudinternal_ecs_instance", "physical_resource_id": "srv-" + id}}
	if ip != "" {
		res = append(res, map[string]any{"logical_resource_type": "huaweicloudinternal_eip", "physical_resource_id": "eip-" + id,
			"resource_attributes": []any{map[string]any{"key": "public_ip_address", "value": ip}}})
	}
	if tags == nil {
		tags = map[string]string{}
	}
	return map[string]any{"id": id, "name": name, "provider": "hcss", "type": "l-instance", "region_id": region,
		"project_id": "proj-" + region, "created": "2026-11-20T10:00:00Z", "state": "Normal", "provisioning_state": "Succeeded", "tags": tags,
		"properties": map[string]any{"status": status, "metadata": map[string]any{"charging_mode": "prePaid", "order_id": "CS2611201000AAAAA", "resource_spec_code": "hf.large.1.30m.linux"}, "resources": res}}
}

// listing answers an RMS page holding entries; next "" is the last page.
func listing(next string, entries ...map[string]any) apitest.Responder {
	var n any
	if next != "" {
		n = next
	}
	if entries == nil {
		entries = []map[string]any{}
	}
	b, err := json.Marshal(map[string]any{"resources": entries, "page_info": map[string]any{"current_count": len(entries), "next_marker": n}})
	if err != nil {
		panic(err)
	}
	return apitest.Bytes(200, b)
}

// subscriptions answers a BSS subscription query with the entries given.
func subscriptions(entries ...string) apitest.Responder {
	return apitest.String(200, fmt.Sprintf(`{"total_count":%d,"data":[%s]}`, len(entries), strings.Join(entries, ",")))
}

// lines are reg's requests as "METHOD path?query".
func lines(reg *apitest.Registry) []string {
	var ls []string
	for _, q := range reg.Requests() {
		ls = append(ls, q.Method+" "+q.URL.Path+"?"+q.URL.RawQuery)
	}
	return ls
}

// runStub runs flexusl in-process with reg answering its API calls (no
// endpoint is configured: the Factory's HTTP client is reg's). env adds
// to (or, with "", removes from) the defaults.
func runStub(t *testing.T, reg *apitest.Registry, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	dir := t.TempDir()
	e := map[string]string{"FLEXUSL_TOKEN": token, "FLEXUSL_DOMAIN_ID": "dom", "FLEXUSL_MAX_RETRIES": "0",
		"FLEXUSL_CONFIG": filepath.Join(dir, "c.yaml"), "XDG_STATE_HOME": filepath.Join(dir, "state"), "XDG_CACHE_HOME": filepath.Join(dir, "cache")}
	for k, v := range env {
		if v == "" {
			delete(e, k)
		} else {
			e[k] = v
		}
	}
	io, _, out, errOut := ui.Test()
	f := &cmdutil.Factory{IO: io, Getenv: func(k string) string { return e[k] }, HTTPClient: reg.HTTPClient}
	code = cmd.Run(context.Background(), f, args)
	return out.String(), errOut.String(), code
}

// countPrefix is how many of reg's requests ("METHOD path?query") start
// with prefix.
func countPrefix(reg *apitest.Registry, prefix string) int {
	n := 0
	for _, l := range lines(reg) {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

func keysOf(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}
