// Package api is flexusl's one request layer for Huawei Cloud: HCSS (buy
// FlexusL instances), BSS (orders, renewals, payments), RMS (list
// instances), ECS (the server inside) and IAM (tokens, projects). Every call
// is an Op sent by Client.Do under a Policy: Idempotent calls (reads) are
// retried on 429, 5xx and network errors; AtMostOnce calls (anything that
// places, pays, renews, cancels or changes a server) are retried only when
// the server provably did not take them, always with the same request ID.
// The package also owns error decoding, the redirect policy and the --debug
// dump with secrets redacted. It gives no CLI advice: that lives in cmd.
package api

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/service"
)

// Client sends Ops. The zero value is not usable; fill the endpoints, HTTP
// and Auth.
type Client struct {
	// Endpoints holds each service's endpoint; "{region}" in one is
	// replaced by the call's region. It is never changed after use.
	Endpoints  Endpoints
	HTTP       *http.Client
	Auth       auth.Authenticator
	UserAgent  string
	MaxRetries int

	// ProjectID is a configured project ID. It serves ProjectRegion (every
	// region when ProjectRegion is ""); other regions' project IDs are
	// looked up through IAM once per client.
	ProjectID     string
	ProjectRegion string
	// DomainID is the configured account ID; looked up through IAM when "".
	DomainID string

	// Notify announces a retry (on stderr). May be nil.
	Notify func(msg string)
	// Sleep waits between attempts; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error

	mu  sync.Mutex
	ids *idCache // shared with the client's copies (WithNotify)
}

// idCache holds the scope IDs looked up this run.
type idCache struct {
	mu       sync.Mutex
	projects map[string]string // region -> project ID
	domainID string
}

func (c *Client) cache() *idCache {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil {
		c.ids = &idCache{}
	}
	return c.ids
}

// WithNotify is a copy of c that announces retries to fn (nil: silently),
// sharing c's settings and the IDs it looked up.
func (c *Client) WithNotify(fn func(msg string)) *Client {
	n := c.withAuth(c.Auth)
	n.Notify = fn
	return n
}

// withAuth is a copy of c that authenticates with a.
func (c *Client) withAuth(a auth.Authenticator) *Client {
	return &Client{Endpoints: c.Endpoints, HTTP: c.HTTP, Auth: a, UserAgent: c.UserAgent, MaxRetries: c.MaxRetries,
		ProjectID: c.ProjectID, ProjectRegion: c.ProjectRegion, DomainID: c.DomainID,
		Notify: c.Notify, Sleep: c.Sleep, ids: c.cache()}
}

// Endpoints maps a service to its endpoint.
type Endpoints map[Service]string

// AllAt is every service at one base URL (a sandbox, a test server).
func AllAt(url string) Endpoints {
	e := Endpoints{}
	for _, s := range service.Services {
		e[s.ID] = url
	}
	return e
}

// HTTPOptions configure NewHTTPClient.
type HTTPOptions struct {
	Timeout  time.Duration
	CABundle string    // extra CA certificates (PEM)
	Debug    io.Writer // dump requests and responses here (secrets redacted); nil: off
}

// NewHTTPClient builds the HTTP client: TLS 1.2 at least, proxies from
// HTTPS_PROXY/NO_PROXY, an optional extra CA bundle, a per-request timeout,
// and redirects never followed: an API that answers 3xx gets its answer
// reported (see RedirectError), so no credential, signature or body ever
// leaves for a host the user did not configure.
func NewHTTPClient(o HTTPOptions) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyFromEnvironment
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if o.CABundle != "" {
		pem, err := os.ReadFile(o.CABundle)
		if err != nil {
			return nil, fmt.Errorf("ca_bundle: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca_bundle %s: no PEM certificates found", o.CABundle)
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	var rt http.RoundTripper = tr
	if o.Debug != nil {
		rt = DebugTransport(tr, o.Debug)
	}
	return &http.Client{Transport: rt, Timeout: o.Timeout, CheckRedirect: noRedirects}, nil
}

// noRedirects stops every redirect: the 3xx answer itself is returned.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// maxAnswer is the largest answer read from a server.
const maxAnswer = 8 << 20

// attempt is the outcome of one try.
type attempt struct {
	resp      *http.Response
	body      []byte
	err       error
	connected bool // a connection was obtained: the request may have been sent
}

func (c *Client) send(ctx context.Context, p *Prepared) attempt {
	var a attempt
	req, err := http.NewRequestWithContext(ctx, p.Method, p.URL, bytes.NewReader(p.Body))
	if err != nil {
		a.err = err
		return a
	}
	req.Header = p.Header.Clone()
	if p.Body == nil {
		req.Body, req.ContentLength, req.GetBody = http.NoBody, 0, nil
	}
	if c.Auth != nil {
		if err := c.Auth.Authenticate(ctx, req, p.Body, p.target); err != nil {
			a.err = &authError{err}
			return a
		}
	}
	if name := badHeader(req.Header); name != "" {
		// Go's client would refuse it before connecting; say which header
		// (never its value: it may be a credential) and do not retry.
		a.err = &authError{exitcode.Errorf(exitcode.Auth, "%s: the %s header holds a character HTTP does not allow (check the credential or setting it comes from; nothing was sent)", p.op.Name, name)}
		return a
	}
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { a.connected = true }}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	hc := c.HTTP
	if hc.CheckRedirect == nil {
		// A client built elsewhere still never follows a redirect.
		cp := *hc
		cp.CheckRedirect = noRedirects
		hc = &cp
	}
	resp, err := hc.Do(req)
	if err != nil {
		a.err = err
		return a
	}
	defer resp.Body.Close()
	a.resp = resp
	a.body, a.err = io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if a.err == nil && len(a.body) > maxAnswer {
		a.err = fmt.Errorf("%s's answer is larger than %d MiB (flexusl reads no more)", p.op.Call.Service().Name(), maxAnswer>>20)
	}
	return a
}

// badHeader names the first header whose value has a control character.
func badHeader(h http.Header) string {
	for name, vs := range h {
		for _, v := range vs {
			for i := 0; i < len(v); i++ {
				if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
					return name
				}
			}
		}
	}
	return ""
}

// authError: the credentials could not be put on the request; nothing was
// sent.
type authError struct{ err error }

func (e *authError) Error() string { return e.err.Error() }
func (e *authError) Unwrap() error { return e.err }

// maxRetryAfter caps how long a server's Retry-After can make us wait.
const maxRetryAfter = 60 * time.Second

// RetryAfter reads a Retry-After header: delay-seconds or an HTTP-date,
// capped at 60 s and never negative. ok is false when there is none or it
// cannot be read.
func RetryAfter(h http.Header, now time.Time) (d time.Duration, ok bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseUint(v, 10, 64); err == nil {
		if s > uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(s) * time.Second, true
	} else if errors.Is(err, strconv.ErrRange) {
		return maxRetryAfter, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d = t.Sub(now)
	return min(max(d, 0), maxRetryAfter), true
}

// backoff is exponential with full jitter, 0.5 s base, 8 s cap, or the
// server's Retry-After when it gives one.
func backoff(try int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := RetryAfter(resp.Header, time.Now()); ok {
			return d
		}
	}
	d := min(500*time.Millisecond<<min(try, 8), 8*time.Second)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Client) notify(format string, args ...any) {
	if c.Notify != nil {
		c.Notify(fmt.Sprintf(format, args...))
	}
}

// round shows a wait the way people read it.
func round(d time.Duration) time.Duration {
	if d > math.MaxInt64/2 {
		return d
	}
	return d.Round(10 * time.Millisecond)
}

// TransientError is a failure that may pass (429, 5xx, network): a waiter
// keeps waiting through it.
type TransientError struct {
	Op    string
	Cause error
}

func (e *TransientError) Error() string { return e.Cause.Error() }
func (e *TransientError) Unwrap() error { return e.Cause }

// IsTransient reports whether err may pass on retry.
func IsTransient(err error) bool {
	var t *TransientError
	return errors.As(err, &t)
}
