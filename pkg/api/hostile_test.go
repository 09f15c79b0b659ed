package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/service"
)

// --debug wrote the server's answer body (and the request body,
// e.g. --from-file text) to stderr as received: ESC/OSC sequences from a
// server reach the terminal raw, unlike every other path that prints
// server text (safetext). Fails on main as of 665be8d.
func TestDebugDumpEscapesControlCharacters(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		w.Write([]byte("raw \x1b[2J\x1b]0;pwned\x07 body"))
	}))
	defer srv.Close()
	var dbg bytes.Buffer
	c, _ := newClient(srv.URL, &dbg)
	_, err := c.Do(context.Background(), &Op{Name: "probe", Call: service.CreateInstances, Path: "/x"}, Idempotent)
	if err == nil {
		t.Fatal("expected an error")
	}
	if strings.ContainsAny(dbg.String(), "\x1b\x07") {
		t.Errorf("--debug wrote raw control characters from the server:\n%q", dbg.String())
	}
}

type hostRecorder struct{ hosts []string }

func (h *hostRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	h.hosts = append(h.hosts, r.URL.Host+" token="+r.Header.Get("X-Auth-Token"))
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
}

// The ECS host is built by putting the call's region, taken as
// RMS lists it (region_id, server data; cmd/instance resolveTargets does
// not check it), into the "{region}" of the endpoint. A region_id such as
// "x.attacker.example/#" sends the batch request with X-Auth-Token to
// ecs.x.attacker.example: a credential to a host the user did not
// configure. CheckEndpoint only checks the template.
func TestRegionFromServerCannotChangeTheECSHost(t *testing.T) {
	rec := &hostRecorder{}
	c := &Client{Endpoints: Endpoints{ECS: "https://ecs.{region}.myhuaweicloud.com"}, HTTP: &http.Client{Transport: rec},
		Auth: auth.Token{Value: "secret-token"}, UserAgent: "t", MaxRetries: 0}
	c.BatchServerAction(context.Background(), ECSCall{Region: "x.attacker.example/#", ProjectID: "p1", RequestID: "r1"},
		ActionStop, "", []string{"72a270de-665a-4f46-8d64-24ad6edccdd1"})
	for _, h := range rec.hosts {
		if !strings.HasSuffix(strings.Fields(h)[0], ".myhuaweicloud.com") {
			t.Errorf("request sent to %s", h)
		}
	}
}

// A server that echoes the new password gets it REDACTED in the error and
// the --debug dump; a token with a control character fails at once, named,
// without its value and without retries.
func TestSecretsEchoedAndBadHeaders(t *testing.T) {
	const pw = "Xk7-pq9.Lm2"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := new(bytes.Buffer)
		b.ReadFrom(r.Body)
		w.WriteHeader(400)
		w.Write([]byte(`{"error":{"code":"Ecs.0005","message":"invalid request body: ` + strings.ReplaceAll(b.String(), `"`, `'`) + `"}}`))
	}))
	defer srv.Close()
	var dbg bytes.Buffer
	c, sleeps := newClient(srv.URL, &dbg)
	c.Endpoints[ECS] = srv.URL
	_, err := c.BatchResetServersPassword(context.Background(), ECSCall{Region: "tr-west-1", ProjectID: "p", RequestID: "r"}, pw, []string{"72a270de-665a-4f46-8d64-24ad6edccdd1"})
	if err == nil || strings.Contains(err.Error(), pw) || strings.Contains(dbg.String(), pw) || !strings.Contains(err.Error(), "REDACTED") {
		t.Errorf("password echoed: %v\n%s", err, dbg.String())
	}
	c.Auth = auth.Token{Value: "tok\nen"}
	_, err = c.Do(context.Background(), &Op{Name: "show order", Call: service.ShowOrder, Path: "/x"}, Idempotent)
	if err == nil || !strings.Contains(err.Error(), "X-Auth-Token header holds a character") || strings.Contains(err.Error(), "tok") || len(*sleeps) != 0 {
		t.Errorf("%v (%d sleeps)", err, len(*sleeps))
	}
}

func TestValidIDAndRegion(t *testing.T) {
	for _, s := range []string{"CS24022811305H1EW", "ff80808290c6b7b60191ef522de6257b", "a_b-c"} {
		if !ValidID(s) {
			t.Errorf("%q refused", s)
		}
	}
	for _, s := range []string{"", "x $(touch y)", "a/b", strings.Repeat("a", 65), "a\n"} {
		if ValidID(s) {
			t.Errorf("%q accepted", s)
		}
	}
	for _, s := range []string{"ap-southeast-3", "tr-west-1", "la-north-2"} {
		if !ValidRegion(s) {
			t.Errorf("%q refused", s)
		}
	}
	for _, s := range []string{"", "x@127.0.0.2:1/#", "x.attacker.example", "AP-1", "-a", "a-"} {
		if ValidRegion(s) {
			t.Errorf("%q accepted", s)
		}
	}
}

// A new password that ECS echoes JSON-escaped (\/, \u0021), URL-escaped in
// a Location, raw in a header, or inside a 5xx or 2xx body never reaches an
// error, an answer handed on, or the --debug dump: redacted in every
// encoding. Before: only the raw bytes of the body were replaced, so a
// JSON-escaped echo came out decoded in plain text.
func TestEchoedSecretInEveryEncodingIsRedacted(t *testing.T) {
	const pw = "Xk7/pq9!Lm2+"
	jsonEsc := `Xk7\/pq9\u0021Lm2\u002B`
	urlEsc := "Xk7%2Fpq9%21Lm2%2b"
	cases := []struct {
		name   string
		status int
		header map[string]string
		body   string
	}{
		{"400 JSON-escaped", 400, nil, `{"error":{"code":"Ecs.0005","message":"bad adminPass ` + jsonEsc + `"}}`},
		{"400 ECS internalError", 400, nil, `{"error":{"code":"Ecs.0005","message":"x"},"internalError":[{"id":"` + jsonEsc + `","error_code":"Ecs.1","error_message":"` + jsonEsc + `"}]}`},
		{"500 JSON-escaped", 500, nil, `{"error_code":"ECS.500","error_msg":"` + jsonEsc + `"}`},
		{"500 raw body", 502, nil, `<html>` + pw + ` ` + urlEsc + `</html>`},
		{"302 Location", 302, map[string]string{"Location": "https://evil.example/?p=" + urlEsc}, ``},
		{"header echo", 400, map[string]string{"X-Request-Id": jsonEsc, "X-Echo": pw}, `{}`},
		{"200 body and header", 200, map[string]string{"X-Echo": urlEsc}, `{"job_id":"` + jsonEsc + `"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			var dbg bytes.Buffer
			c, _ := newClient(srv.URL, &dbg)
			c.Endpoints[ECS] = srv.URL
			resp, err := c.Do(context.Background(), &Op{Name: "reset passwords", Call: service.ResetPasswords, Path: "/x",
				Body: []byte(`{}`), SensitiveBody: true, Secrets: []string{pw}, RequestID: "r"}, AtMostOnce)
			var seen []string
			if err != nil {
				seen = append(seen, err.Error())
			}
			if resp != nil {
				seen = append(seen, string(resp.Body), fmt.Sprint(resp.Header), resp.RequestID)
			}
			seen = append(seen, dbg.String())
			for _, s := range seen {
				for _, form := range []string{pw, jsonEsc, urlEsc, "pq9!Lm2", "pq9\\u0021"} {
					if strings.Contains(s, form) {
						t.Errorf("the password (as %q) reached the output:\n%s", form, s)
					}
				}
			}
			if !strings.Contains(strings.Join(seen, "\n"), "REDACTED") {
				t.Errorf("no REDACTED mark: %q", seen)
			}
		})
	}
}

// IDs that came from a server (an order ID from an answer or the journal,
// a project ID from RMS or IAM, a domain ID from IAM) never enter a path
// unless they are IDs: ".." in /details/.. or /v1/../cloudservers, "/" or
// a control character. Nothing is sent. Before: ShowOrder checked only for
// "/?#", and project and domain IDs were not checked at all.
func TestIDsFromServersNeverEnterAPath(t *testing.T) {
	rec := &hostRecorder{}
	c := &Client{Endpoints: Endpoints{BSS: "https://bss.example", ECS: "https://ecs.{region}.example", IAM: "https://iam.example"},
		HTTP: &http.Client{Transport: rec}, Auth: auth.Token{Value: "t"}, UserAgent: "t"}
	ctx := context.Background()
	for _, bad := range []string{"..", "a/b", "CS1\x1b]0;x\x07", "CS1$(touch${IFS}pwned)", ""} {
		if _, err := c.ShowOrder(ctx, bad); err == nil {
			t.Errorf("ShowOrder(%q) accepted", bad)
		}
		if _, err := c.PreparePayOrder("r", bad); err == nil {
			t.Errorf("PreparePayOrder(%q) accepted", bad)
		}
		if _, err := c.PrepareCancelOrder("r", bad); err == nil {
			t.Errorf("PrepareCancelOrder(%q) accepted", bad)
		}
		if bad == "" {
			continue // looked up through IAM
		}
		_, err := c.ShowServer(ctx, ServerRef{Region: "ap-southeast-3", ProjectID: bad, ServerID: "72a270de-665a-4f46-8d64-24ad6edccdd1"})
		if err == nil || strings.ContainsAny(err.Error(), "\x1b\x07") || strings.Contains(err.Error(), "$(") {
			t.Errorf("ShowServer with project %q: %v", bad, err)
		}
		d := &Client{Endpoints: c.Endpoints, HTTP: c.HTTP, Auth: c.Auth, DomainID: bad}
		if _, err := d.Do(ctx, &Op{Name: "probe", Call: service.ShowOrder, Path: "/v2/{domain_id}/x"}, Idempotent); err == nil {
			t.Errorf("domain %q accepted", bad)
		}
	}
	if len(rec.hosts) != 0 {
		t.Errorf("sent: %v", rec.hosts)
	}
}

// A ShowJob answer about another job (or with a job_id that is not an ID)
// is refused: it says nothing about the job asked for. Before: a job_id
// that was not an ID was silently replaced, another job's was shown.
func TestShowJobAboutAnotherJobIsRefused(t *testing.T) {
	for _, body := range []string{
		`{"status":"SUCCESS","job_id":"other-job"}`,
		`{"status":"SUCCESS","job_id":"job1\u001b]0;x\u0007"}`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
		c, _ := newClient(srv.URL, nil)
		c.Endpoints[ECS] = srv.URL
		_, err := c.ShowJob(context.Background(), ECSCall{Region: "ap-southeast-3", ProjectID: "p"}, "job1")
		srv.Close()
		if err == nil || !strings.Contains(err.Error(), "answered about another job") || strings.ContainsAny(err.Error(), "\x1b\x07") {
			t.Errorf("%s: %v", body, err)
		}
	}
}
