package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/redact"
	"github.com/flexusl/flexusl/pkg/safetext"
)

type sensitiveBodyKey struct{}

// withSensitiveBody marks a request whose body holds a secret (a
// password): --debug shows the body as redacted, and the secrets, if a
// server echoes them, as REDACTED in the answer.
func withSensitiveBody(ctx context.Context, secrets []string) context.Context {
	return context.WithValue(ctx, sensitiveBodyKey{}, secrets)
}

// DebugTransport wraps next (nil: http.DefaultTransport) with --debug's
// dump: each request and response written to w, secrets redacted in every
// form a server may echo them, control characters escaped. Every HTTP
// client flexusl sends through gets it when --debug is on, the configured
// one and one a test or embedder supplies alike.
func DebugTransport(next http.RoundTripper, w io.Writer) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &debugTransport{next: next, w: w}
}

// debugTransport writes each request and response to w with secret header
// values replaced by REDACTED and control characters escaped.
type debugTransport struct {
	next http.RoundTripper
	w    io.Writer
	mu   sync.Mutex
}

const debugBodyLimit = 4096

func (t *debugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			body, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	if req.Context().Value(sensitiveBodyKey{}) != nil {
		body = []byte("[body redacted: it holds a password]")
	}
	start := time.Now()
	var b strings.Builder
	fmt.Fprintf(&b, "> %s %s\n", req.Method, req.URL)
	writeHeaders(&b, "> ", req.Header)
	writeBody(&b, "> ", body)
	t.print(b.String())

	resp, err := t.next.RoundTrip(req)
	b.Reset()
	if err != nil {
		fmt.Fprintf(&b, "< error after %s: %v\n", time.Since(start).Round(time.Millisecond), err)
		out := b.String()
		if secrets, ok := req.Context().Value(sensitiveBodyKey{}).([]string); ok {
			out = redact.String(out, secrets) // a malformed answer is quoted in the error
		}
		t.print(out)
		return nil, err
	}
	// Read what the client will read (it refuses more than maxAnswer) and
	// hand the rest on untouched.
	rbody, rerr := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	resp.Body = readCloser{io.MultiReader(bytes.NewReader(rbody), resp.Body), resp.Body}
	secrets, _ := req.Context().Value(sensitiveBodyKey{}).([]string)
	if len(secrets) > 0 {
		rbody = redact.Bytes(rbody, secrets) // whole, before the dump cuts it
	}
	fmt.Fprintf(&b, "< %s (%s)\n", resp.Status, time.Since(start).Round(time.Millisecond))
	writeHeaders(&b, "< ", resp.Header)
	writeBody(&b, "< ", rbody)
	out := redact.String(b.String(), secrets) // echoed in the status line or a header
	t.print(out)
	if rerr != nil {
		return nil, rerr
	}
	return resp, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

func (t *debugTransport) print(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	io.WriteString(t.w, safetext.Text(s)) // server text reaches a terminal here
}

// RedactHeaders returns a copy of h with secret values replaced by REDACTED.
func RedactHeaders(h http.Header) http.Header {
	out := h.Clone()
	for _, name := range auth.SecretHeaders {
		if out.Get(name) != "" {
			out.Set(name, "REDACTED")
		}
	}
	return out
}

func writeHeaders(b *strings.Builder, prefix string, h http.Header) {
	h = RedactHeaders(h)
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(b, "%s%s: %s\n", prefix, k, strings.Join(h[k], ", "))
	}
}

func writeBody(b *strings.Builder, prefix string, body []byte) {
	if len(body) == 0 {
		return
	}
	s := string(body)
	if len(s) > debugBodyLimit {
		s = s[:debugBodyLimit] + fmt.Sprintf("... (%d bytes)", len(body))
	}
	fmt.Fprintf(b, "%s\n%s\n", prefix, s)
}
