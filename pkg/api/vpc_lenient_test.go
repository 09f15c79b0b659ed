package api

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// One odd rule never fails the listing: enabled and priority written as
// strings are read (as the SDK's tolerant readers would), and a rule that
// still cannot be read (priority "high", multiport an object) is left out
// with a warning naming its ID.
func TestListRulesSkipsOddEntries(t *testing.T) {
	const (
		good    = "7c1e0a9b-3d2f-4e5a-8b6c-9d0e1f2a3b4c"
		strs    = "8d2f1b0c-4e3a-4f6b-9c7d-0e1f2a3b4c5d"
		off     = "9e3a2c1d-5f4b-4a7c-8d8e-1f2a3b4c5d6e"
		badPrio = "a04b3d2e-6a5c-4b8d-9e9f-2a3b4c5d6e7f"
		badPort = "b15c4e3f-7b6d-4c9e-8fa0-3b4c5d6e7f80"
	)
	body := `{"request_id":"r","security_group_rules":[
 {"id":"` + good + `","security_group_id":"` + testGroup + `","direction":"ingress","protocol":"tcp","multiport":"22","priority":1,"enabled":true},
 {"id":"` + strs + `","security_group_id":"` + testGroup + `","direction":"ingress","protocol":"tcp","multiport":80,"priority":"5","enabled":"true"},
 {"id":"` + off + `","security_group_id":"` + testGroup + `","direction":"ingress","protocol":"tcp","multiport":"443","priority":1,"enabled":"false"},
 {"id":"` + badPrio + `","security_group_id":"` + testGroup + `","direction":"ingress","priority":"high"},
 {"id":"` + badPort + `","security_group_id":"` + testGroup + `","direction":"ingress","multiport":{}},
 {"id":"\u001b[2J","security_group_id":"` + testGroup + `","enabled":"maybe"}
 ],"page_info":{"current_count":6}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) }))
	defer srv.Close()
	c := vpcClient(srv.URL, 0)
	var mu sync.Mutex
	var warnings []string
	c.Notify = func(m string) { mu.Lock(); warnings = append(warnings, m); mu.Unlock() }
	rules, err := c.ListSecurityGroupRules(context.Background(), vpcCall, []string{testGroup})
	if err != nil || len(rules) != 3 {
		t.Fatalf("%+v %v", rules, err)
	}
	if r := rules[1]; r.ID != strs || r.Priority != 5 || r.Multiport != "80" || r.Enabled == nil || !*r.Enabled {
		t.Errorf("strings: %+v", r)
	}
	if r := rules[2]; r.Enabled == nil || *r.Enabled {
		t.Errorf(`"enabled":"false" read as %+v`, r.Enabled)
	}
	if len(warnings) != 3 || !strings.Contains(warnings[0], "rule "+badPrio+" left out") || !strings.Contains(warnings[1], "rule "+badPort+" left out") ||
		!strings.Contains(warnings[2], `rule "\x1b[2J" left out`) || !strings.HasPrefix(warnings[0], "list security group rules: ") {
		t.Errorf("warnings %q", warnings)
	}
	for _, in := range []string{`true`, `"TRUE"`, `"1"`, `1`, ` "true" `} {
		var b Bool
		if err := DecodeJSON([]byte(in), &b); err != nil || !b {
			t.Errorf("%s: %v %v", in, b, err)
		}
	}
	for _, in := range []string{`"yes"`, `{}`, `[]`, `2`} {
		var b Bool
		if err := DecodeJSON([]byte(in), &b); err == nil {
			t.Errorf("%s read as %v", in, b)
		}
	}
}

// The group IDs of one listing are bounded: more than MaxGroupIDs is
// refused before anything is sent (20,000 IDs once made 800 requests);
// MaxGroupIDs takes one request per MaxGroupFilter.
func TestVPCGroupListingsBounded(t *testing.T) {
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		mu.Unlock()
		io.WriteString(w, `{"security_groups":[],"security_group_rules":[],"page_info":{"current_count":0}}`)
	}))
	defer srv.Close()
	c := vpcClient(srv.URL, 0)
	ids := func(k int) []string {
		out := make([]string, k)
		for i := range out {
			out[i] = testGroup[:30] + strings.Repeat("0", 6-len(strconv.Itoa(i))) + strconv.Itoa(i)
		}
		return out
	}
	for _, k := range []int{20000, MaxGroupIDs + 1} {
		_, err := c.ListSecurityGroupRules(context.Background(), vpcCall, ids(k))
		if err == nil || !strings.Contains(err.Error(), "VPC") || !strings.Contains(err.Error(), "nothing was sent") {
			t.Errorf("rules, %d IDs: %v", k, err)
		}
		_, err = c.ListSecurityGroups(context.Background(), vpcCall, ids(k))
		if err == nil || !strings.Contains(err.Error(), "VPC") {
			t.Errorf("groups, %d IDs: %v", k, err)
		}
	}
	if n != 0 {
		t.Fatalf("%d requests sent", n)
	}
	if _, err := c.ListSecurityGroupRules(context.Background(), vpcCall, ids(MaxGroupIDs)); err != nil || n != MaxGroupIDs/MaxGroupFilter {
		t.Errorf("%d IDs: %d requests, %v", MaxGroupIDs, n, err)
	}
}
