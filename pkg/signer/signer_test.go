package signer

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The published vector of the official Go SDK (core/auth/signer/signer_test.go).
func TestPublishedVector(t *testing.T) {
	r, _ := http.NewRequest("GET", "https://example.com/path?limit=1", nil)
	r.Header.Set(HeaderDate, "20060102T150405Z")
	Sign(r, nil, "AccessKey", "SecretKey", time.Now(), false)
	want := "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"
	if got := r.Header.Get("Authorization"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestCanonicalURI(t *testing.T) {
	tests := map[string]string{
		"https://h/v1/light-instances":  "/v1/light-instances/",
		"https://h/v1/light-instances/": "/v1/light-instances/",
		"https://h":                     "/",
		"https://h/a%20b/c":             "/a%20b/c/",
		"https://h/v2/orders/customer-orders/details/CS24022811305H1": "/v2/orders/customer-orders/details/CS24022811305H1/",
		"https://h/x/%E4%B8%AD": "/x/%E4%B8%AD/",
		"https://h/a+b~c":       "/a%2Bb~c/",
	}
	for in, want := range tests {
		u, _ := url.Parse(in)
		if got := CanonicalURI(u); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	u, _ := url.Parse("https://h/p?b=2&a=3&a=1&name=ap southeast&x=%2F&empty=")
	if got, want := CanonicalQuery(u), "a=1&a=3&b=2&empty=&name=ap%20southeast&x=%2F"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestHeaderCanonicalisation(t *testing.T) {
	r, _ := http.NewRequest("POST", "https://hcss.example.com/v1/light-instances", nil)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Project-Id", "  p1  ")
	r.Header.Set("Client-Request-Id", "abc")
	r.Header.Set("X_Ignored", "v")
	r.Header.Set(HeaderDate, "20260101T000000Z")
	signed := SignedHeaders(r)
	if got := strings.Join(signed, ";"); got != "client-request-id;host;x-project-id;x-sdk-date" {
		t.Errorf("signed headers %s", got)
	}
	c := CanonicalRequest(r, signed, []byte("{}"))
	want := "POST\n/v1/light-instances/\n\nclient-request-id:abc\nhost:hcss.example.com\nx-project-id:p1\nx-sdk-date:20260101T000000Z\n\nclient-request-id;host;x-project-id;x-sdk-date\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
	if c != want {
		t.Errorf("canonical:\n%q\nwant\n%q", c, want)
	}
}

func TestVerify(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	body := []byte(`{"a":1}`)
	mk := func() *http.Request {
		r, _ := http.NewRequest("POST", "http://127.0.0.1:8089/v1/light-instances?x=1", nil)
		r.Header.Set("X-Project-Id", "p")
		Sign(r, body, "AK", "SK", now, true)
		return r
	}
	lookup := func(ak string) (string, bool) { return "SK", ak == "AK" }
	if _, err := Verify(mk(), body, lookup, now, 15*time.Minute); err != nil {
		t.Fatal(err)
	}
	tamper := []struct {
		name string
		f    func(r *http.Request) []byte
		err  string
	}{
		{"body changed", func(r *http.Request) []byte { return []byte(`{"a":2}`) }, "does not match"},
		{"signed header changed", func(r *http.Request) []byte { r.Header.Set("X-Project-Id", "q"); return body }, "does not match"},
		{"host changed", func(r *http.Request) []byte { r.Host = "evil:1"; return body }, "does not match"},
		{"query changed", func(r *http.Request) []byte { r.URL.RawQuery = "x=2"; return body }, "does not match"},
		{"old date", func(r *http.Request) []byte { r.Header.Set(HeaderDate, "20260101T000000Z"); return body }, "off the server clock"},
		{"unknown ak", func(r *http.Request) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "Access=AK", "Access=AK2", 1))
			return body
		}, "unknown access key"},
		{"not sdk", func(r *http.Request) []byte { r.Header.Set("Authorization", "Bearer x"); return body }, "is not SDK-HMAC-SHA256"},
	}
	for _, tt := range tamper {
		r := mk()
		b := tt.f(r)
		if _, err := Verify(r, b, lookup, now, 15*time.Minute); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func FuzzCanonicalRequest(f *testing.F) {
	f.Add("GET", "/path", "limit=1", "X-Sdk-Date", "20060102T150405Z", []byte(""))
	f.Add("POST", "/v1/light-instances", "", "Client-Request-Id", "abc", []byte("{}"))
	f.Fuzz(func(t *testing.T, method, path, query, hname, hval string, body []byte) {
		u := &url.URL{Scheme: "https", Host: "h", Path: path, RawQuery: query}
		r := &http.Request{Method: method, URL: u, Header: http.Header{}, Host: "h"}
		if hname != "" {
			r.Header[hname] = []string{hval}
		}
		_ = CanonicalRequest(r, SignedHeaders(r), body)
		// URI and query are escaped: only unreserved characters, '%', '/', '=', '&'.
		uri, q := CanonicalURI(u), CanonicalQuery(u)
		if !strings.HasSuffix(uri, "/") || !onlyEscaped(uri, "/") || !onlyEscaped(q, "=&") {
			t.Fatalf("bad canonical URI %q or query %q", uri, q)
		}
		// Signing the same request twice gives the same signature.
		Sign(r, body, "AK", "SK", time.Unix(0, 0), true)
		a := r.Header.Get("Authorization")
		Sign(r, body, "AK", "SK", time.Unix(0, 0), true)
		if r.Header.Get("Authorization") != a {
			t.Fatal("signature not deterministic")
		}
	})
}

func onlyEscaped(s, extra string) bool {
	for _, c := range s {
		ok := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.~%"+extra, c)
		if !ok {
			return false
		}
	}
	return true
}
