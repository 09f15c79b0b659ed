package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The three token requests, byte for byte as IAM documents them: password
// method scoped to a project, password method scoped to the account, and
// the token method (a token of the account for a region's project). None
// carries an X-Auth-Token header; --debug shows none of their secrets.
func TestTokenRequestBodies(t *testing.T) {
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		if r.Method != http.MethodPost || r.URL.Path != "/v3/auth/tokens" || r.Header.Get("X-Auth-Token") != "" || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s %v", r.Method, r.URL.Path, r.Header)
		}
		w.Header().Set("X-Subject-Token", "issued-SECRET-TOKEN")
		w.WriteHeader(201)
		io.WriteString(w, `{"token":{"expires_at":"2026-11-28T10:00:00.000000Z"}}`)
	}))
	defer srv.Close()
	var debug bytes.Buffer
	c, _ := newClient(srv.URL, &debug)
	ctx := context.Background()
	tok, err := c.IssueToken(ctx, "acct", "u", "pw-SECRET", "ap-southeast-3")
	if err != nil || tok.Value != "issued-SECRET-TOKEN" || tok.Region != "ap-southeast-3" {
		t.Fatalf("%+v %v", tok, err)
	}
	dom, err := c.IssueDomainToken(ctx, "acct", "u", "pw-SECRET")
	if err != nil || dom.Region != "" || dom.ExpiresAt.Day() != 28 {
		t.Fatalf("%+v %v", dom, err)
	}
	ex, err := c.ExchangeToken(ctx, "dom-SECRET-TOKEN", "acct", "tr-west-1")
	if err != nil || ex.Value != "issued-SECRET-TOKEN" || ex.Region != "tr-west-1" {
		t.Fatalf("%+v %v", ex, err)
	}
	want := []string{
		`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"u","password":"pw-SECRET","domain":{"name":"acct"}}}},"scope":{"project":{"name":"ap-southeast-3"}}}}`,
		`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"u","password":"pw-SECRET","domain":{"name":"acct"}}}},"scope":{"domain":{"name":"acct"}}}}`,
		`{"auth":{"identity":{"methods":["token"],"token":{"id":"dom-SECRET-TOKEN"}},"scope":{"project":{"name":"tr-west-1","domain":{"name":"acct"}}}}}`,
	}
	if len(bodies) != len(want) {
		t.Fatalf("%d requests: %q", len(bodies), bodies)
	}
	for i := range want {
		if bodies[i] != want[i] {
			t.Errorf("request %d:\n got %s\nwant %s", i, bodies[i], want[i])
		}
	}
	if strings.Contains(debug.String(), "SECRET") || strings.Count(debug.String(), "[body redacted") != 3 {
		t.Errorf("--debug shows a secret or a body:\n%s", debug.String())
	}
}

// A token that contains the password (the sandbox's default: password
// "sandbox", tokens "sandbox...") is stored exactly: the redaction of
// echoed secrets never rewrites the credential IAM issues (review #9).
func TestIssuedTokenContainingThePasswordIsKeptExact(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Subject-Token", "sandbox.ap-southeast-3.0001")
		w.WriteHeader(201)
		io.WriteString(w, `{"token":{"expires_at":"2026-11-28T10:00:00.000000Z"}}`)
	}))
	defer srv.Close()
	var debug bytes.Buffer
	c, _ := newClient(srv.URL, &debug)
	tok, err := c.IssueToken(context.Background(), "acct", "u", "sandbox", "ap-southeast-3")
	if err != nil || tok.Value != "sandbox.ap-southeast-3.0001" {
		t.Fatalf("%+v %v", tok, err)
	}
	if strings.Contains(debug.String(), "sandbox.ap-southeast-3.0001") {
		t.Errorf("--debug shows the token:\n%s", debug.String())
	}
}
