package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const testGroup = "0552091e-b83a-49dd-88a7-4a5c86fd9ec3"

func vpcClient(url string, timeout time.Duration) *Client {
	c, _ := newClient(url, nil)
	c.Endpoints[VPC] = url
	c.ProjectID = "067cf8aecf3e4d6b9b4a5c0e1f2d3c4b"
	if timeout > 0 {
		hc, _ := NewHTTPClient(HTTPOptions{Timeout: timeout})
		c.HTTP = hc
	}
	return c
}

var vpcCall = VPCCall{Region: "ap-southeast-3", ProjectID: "067cf8aecf3e4d6b9b4a5c0e1f2d3c4b"}

// Each VPC wire type decodes its documented example; the error example
// decodes to its code.
func TestWireVPC(t *testing.T) {
	var gs ListSecurityGroupsResponse
	if err := DecodeJSON(wire(t, "vpc/list-security-groups.response.json"), &gs); err != nil || len(gs.SecurityGroups) != 1 ||
		gs.SecurityGroups[0].Name != "sg-default-smb" || gs.SecurityGroups[0].ID != testGroup || gs.PageInfo.NextMarker != "" {
		t.Errorf("groups: %+v %v", gs, err)
	}
	var rs ListSecurityGroupRulesResponse
	if err := DecodeJSON(wire(t, "vpc/list-security-group-rules.response.json"), &rs); err != nil || len(rs.SecurityGroupRules) != 1 {
		t.Fatalf("rules: %+v %v", rs, err)
	}
	if r := rs.SecurityGroupRules[0]; r.Protocol != "icmp" || r.Priority != 1 || r.RemoteIPPrefix != "0.0.0.0/0" || r.RemoteGroupID != "" || r.Enabled == nil || !*r.Enabled {
		t.Errorf("rule: %+v", r)
	}
	for _, f := range []string{"vpc/create-security-group-rule.response.json", "vpc/show-security-group-rule.response.json"} {
		var one SecurityGroupRuleResponse
		if err := DecodeJSON(wire(t, f), &one); err != nil || one.SecurityGroupRule == nil || one.SecurityGroupRule.Multiport != "22" || one.SecurityGroupRule.Priority != 1 {
			t.Errorf("%s: %+v %v", f, one, err)
		}
	}
	// The §9 doc example prints multiport as a number and priority may
	// come as a string: both are read.
	var odd SecurityGroupRule
	if err := DecodeJSON([]byte(`{"id":"x","multiport":33,"priority":"5","remote_ip_prefix":null}`), &odd); err != nil || odd.Multiport != "33" || odd.Priority != 5 {
		t.Errorf("lenient: %+v %v", odd, err)
	}
	e := decodeError("op", 403, http.Header{"X-Request-Id": {"hdr"}}, wire(t, "vpc/error.json"))
	if e.Code != "VPC.2701" || e.RequestID != "9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f" {
		t.Errorf("error: %+v", e)
	}
	var s ShowServerResponse
	if err := DecodeJSON(wire(t, "ecs/show-server.response.json"), &s); err != nil || len(s.Server.SecurityGroups) != 1 || s.Server.SecurityGroups[0].ID != testGroup {
		t.Errorf("server groups: %+v %v", s.Server.SecurityGroups, err)
	}
}

// The create request carries exactly the documented example's bytes (in
// the SDK's field order), a Client-Request-Id and goes to the v3 path.
func TestCreateRuleSendsDocumentedBytes(t *testing.T) {
	var got []byte
	var path, crid string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		path, crid = r.URL.Path, r.Header.Get("Client-Request-Id")
		w.WriteHeader(201)
		w.Write(wire(t, "vpc/create-security-group-rule.response.json"))
	}))
	defer srv.Close()
	c := vpcClient(srv.URL, 0)
	call := vpcCall
	call.RequestID = "req-1"
	p, err := c.PrepareCreateSecurityGroupRule(call, CreateRuleOption{SecurityGroupID: testGroup, Description: "flexusl: ssh", Direction: "ingress",
		Ethertype: "IPv4", Protocol: "tcp", Multiport: "22", RemoteIPPrefix: "203.0.113.7/32", Action: "allow", Priority: "1"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.CreateSecurityGroupRule(context.Background(), p)
	if err != nil || r.ID != "7c1e0a9b-3d2f-4e5a-8b6c-9d0e1f2a3b4c" {
		t.Fatalf("%+v %v", r, err)
	}
	if string(got) != wireCompact(t, "vpc/create-security-group-rule.request.json") {
		t.Errorf("sent %s\nwant %s", got, wireCompact(t, "vpc/create-security-group-rule.request.json"))
	}
	if path != "/v3/067cf8aecf3e4d6b9b4a5c0e1f2d3c4b/vpc/security-group-rules" || crid != "req-1" {
		t.Errorf("path %s, Client-Request-Id %q", path, crid)
	}
}

// The money-safety table for the two calls that change a firewall: a
// rule is created or deleted at most once. 429s are retried with the same
// Client-Request-Id; a 500, a connection reset after sending and a
// timeout each give exactly one request and an unknown outcome.
func TestRuleChangesAtMostOnce(t *testing.T) {
	created := func(w http.ResponseWriter) {
		w.WriteHeader(201)
		w.Write(wire(t, "vpc/create-security-group-rule.response.json"))
	}
	deleted := func(w http.ResponseWriter) { w.WriteHeader(204) }
	throttle := func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(429)
		io.WriteString(w, `{"error_code":"APIGW.0308","error_msg":"throttled"}`)
	}
	fail := func(w http.ResponseWriter) {
		w.WriteHeader(500)
		io.WriteString(w, `{"request_id":"r","error_code":"VPC.0500","error_msg":"boom"}`)
	}
	type step func(w http.ResponseWriter)
	sleep := func(w http.ResponseWriter) { time.Sleep(700 * time.Millisecond) }
	for _, call := range []struct {
		name string
		ok   step
		run  func(c *Client, crid string) error
	}{
		{"create", created, func(c *Client, crid string) error {
			call := vpcCall
			call.RequestID = crid
			p, err := c.PrepareCreateSecurityGroupRule(call, CreateRuleOption{SecurityGroupID: testGroup, Direction: "ingress", Protocol: "tcp", Multiport: "22"})
			if err != nil {
				return err
			}
			_, err = c.CreateSecurityGroupRule(context.Background(), p)
			return err
		}},
		{"delete", deleted, func(c *Client, crid string) error {
			call := vpcCall
			call.RequestID = crid
			return c.DeleteSecurityGroupRule(context.Background(), call, "7c1e0a9b-3d2f-4e5a-8b6c-9d0e1f2a3b4c")
		}},
	} {
		tests := []struct {
			name    string
			steps   []step
			tries   int
			unknown bool
			ok      bool
		}{
			{"429,429,2xx", []step{throttle, throttle, call.ok}, 3, false, true},
			{"500", []step{fail}, 1, true, false},
			{"reset after sending", []step{drop}, 1, true, false},
			{"timeout", []step{sleep}, 1, true, false},
		}
		for _, tt := range tests {
			t.Run(call.name+"/"+tt.name, func(t *testing.T) {
				var mu sync.Mutex
				var ids []string
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					io.ReadAll(r.Body)
					mu.Lock()
					ids = append(ids, r.Header.Get("Client-Request-Id"))
					n := len(ids)
					mu.Unlock()
					if n > len(tt.steps) {
						t.Errorf("request %d: more requests than expected", n)
						w.WriteHeader(500)
						return
					}
					tt.steps[n-1](w)
				}))
				defer srv.Close()
				c := vpcClient(srv.URL, 300*time.Millisecond)
				c.Sleep = func(context.Context, time.Duration) error { return nil }
				err := call.run(c, "crid-7")
				mu.Lock()
				defer mu.Unlock()
				if len(ids) != tt.tries {
					t.Errorf("%d requests, want %d", len(ids), tt.tries)
				}
				for _, id := range ids {
					if id != "crid-7" {
						t.Errorf("Client-Request-Id %q, want crid-7 on every try", id)
					}
				}
				if IsUnknownOutcome(err) != tt.unknown || (err == nil) != tt.ok {
					t.Errorf("err = %v; unknown %v, want %v", err, IsUnknownOutcome(err), tt.unknown)
				}
			})
		}
	}
}

// A redirect is never followed: the credentials and the body stay with
// the configured host, and for a change the outcome is unknown.
func TestRuleChangesNoRedirect(t *testing.T) {
	var elsewhere int
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere++ }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c := vpcClient(srv.URL, 0)
	call := vpcCall
	call.RequestID = "crid"
	err := c.DeleteSecurityGroupRule(context.Background(), call, "7c1e0a9b-3d2f-4e5a-8b6c-9d0e1f2a3b4c")
	var re *RedirectError
	if !errors.As(err, &re) || !IsUnknownOutcome(err) {
		t.Errorf("delete: %v", err)
	}
	if _, err := c.ListSecurityGroupRules(context.Background(), vpcCall, []string{testGroup}); !errors.As(err, &re) {
		t.Errorf("list: %v", err)
	}
	if elsewhere != 0 {
		t.Errorf("%d requests followed the redirect", elsewhere)
	}
}

// IDs that are not IDs never reach a path or a query: nothing is sent.
func TestVPCHostileIDsRefused(t *testing.T) {
	var n int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n++ }))
	defer srv.Close()
	c := vpcClient(srv.URL, 0)
	ctx := context.Background()
	call := vpcCall
	call.RequestID = "crid"
	for _, id := range []string{"../../v3/x", "a/b", "rule?x=1", "", "a b", "\x1b[31m", strings.Repeat("a", 65)} {
		if err := c.DeleteSecurityGroupRule(ctx, call, id); err == nil || !strings.Contains(err.Error(), "nothing was sent") {
			t.Errorf("delete %q: %v", id, err)
		}
		if _, err := c.ShowSecurityGroupRule(ctx, vpcCall, id); err == nil {
			t.Errorf("show %q: no error", id)
		}
		if _, err := c.ListSecurityGroupRules(ctx, vpcCall, []string{id}); err == nil {
			t.Errorf("list rules %q: no error", id)
		}
		if _, err := c.ListSecurityGroups(ctx, vpcCall, []string{id}); err == nil {
			t.Errorf("list groups %q: no error", id)
		}
		if _, err := c.PrepareCreateSecurityGroupRule(call, CreateRuleOption{SecurityGroupID: id, Direction: "ingress"}); err == nil {
			t.Errorf("create in %q: no error", id)
		}
	}
	if n != 0 {
		t.Errorf("%d requests sent", n)
	}
	// A create whose answer names a rule ID that is not an ID: made, but
	// the ID is not used.
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(201)
		io.WriteString(w, `{"security_group_rule":{"id":"../../evil"}}`)
	}))
	defer srv2.Close()
	c2 := vpcClient(srv2.URL, 0)
	p, _ := c2.PrepareCreateSecurityGroupRule(call, CreateRuleOption{SecurityGroupID: testGroup, Direction: "ingress"})
	if _, err := c2.CreateSecurityGroupRule(ctx, p); !errors.Is(err, ErrAnswerUnreadable) {
		t.Errorf("hostile answer ID: %v", err)
	}
}

// Listings follow next_marker and stop: at the last page, on a repeated
// marker, and after VPCMaxPages.
func TestVPCPagingBounded(t *testing.T) {
	for _, tt := range []struct {
		name    string
		next    func(n int) string
		pages   int
		wantErr string
	}{
		{"three pages", func(n int) string {
			if n < 3 {
				return `,"next_marker":"m` + string(rune('0'+n)) + `"`
			}
			return ""
		}, 3, ""},
		{"repeated marker", func(n int) string { return `,"next_marker":"same"` }, 2, "repeated the page marker"},
		{"endless", func(n int) string { return `,"next_marker":"m` + strings.Repeat("x", n) + `"` }, VPCMaxPages, "more than"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n++
				if r.URL.Query().Get("limit") != "2000" {
					t.Errorf("limit %q", r.URL.Query().Get("limit"))
				}
				io.WriteString(w, `{"security_group_rules":[{"id":"r`+strings.Repeat("x", n)+`","security_group_id":"`+testGroup+`"}],"page_info":{"current_count":1`+tt.next(n)+`}}`)
			}))
			defer srv.Close()
			rules, err := vpcClient(srv.URL, 0).ListSecurityGroupRules(context.Background(), vpcCall, []string{testGroup})
			if n != tt.pages {
				t.Errorf("%d pages, want %d", n, tt.pages)
			}
			if tt.wantErr == "" && (err != nil || len(rules) != 3) {
				t.Errorf("%d rules, %v", len(rules), err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// A rule already gone is a 404 the caller can tell from other refusals.
func TestDeleteRuleNotFound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(404)
		io.WriteString(w, `{"request_id":"r","error_code":"VPC.0601","error_msg":"not found"}`)
	}))
	defer srv.Close()
	call := vpcCall
	call.RequestID = "crid"
	err := vpcClient(srv.URL, 0).DeleteSecurityGroupRule(context.Background(), call, "7c1e0a9b-3d2f-4e5a-8b6c-9d0e1f2a3b4c")
	if !IsNotFound(err) || IsUnknownOutcome(err) || IsConflict(err) {
		t.Errorf("%v", err)
	}
}

// An answer about another rule (or server) is never used: `firewall delete
// X` answered about Y would otherwise delete Y (review #1, #2).
func TestAnswersAboutAnotherRuleOrServerAreRefused(t *testing.T) {
	const asked = "7c1e4f2a-0a1b-4c2d-8e3f-5a6b7c8d9e0f"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/cloudservers/") {
			io.WriteString(w, `{"server":{"id":"72a270de-665a-4f46-8d64-000000000002","status":"ACTIVE"}}`)
			return
		}
		io.WriteString(w, `{"security_group_rule":{"id":"0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e","direction":"ingress"}}`)
	}))
	defer srv.Close()
	c := vpcClient(srv.URL, time.Second)
	c.Endpoints[ECS] = srv.URL
	if _, err := c.ShowSecurityGroupRule(context.Background(), VPCCall{Region: "ap-southeast-3", ProjectID: "p1"}, asked); err == nil ||
		!strings.Contains(err.Error(), `answered about rule "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"`) {
		t.Errorf("rule: %v", err)
	}
	if _, err := c.ShowServer(context.Background(), ServerRef{Region: "ap-southeast-3", ProjectID: "p1", ServerID: "72a270de-665a-4f46-8d64-000000000001"}); err == nil ||
		!strings.Contains(err.Error(), `answered about server "72a270de-665a-4f46-8d64-000000000002"`) {
		t.Errorf("server: %v", err)
	}
}
