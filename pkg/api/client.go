// Package api is flexusl's one HTTP client for Huawei Cloud: HCSS (create
// FlexusL instances), BSS (orders) and IAM (tokens, projects). It owns the
// retry policy (a purchase POST is retried only when the server provably
// did not get it), error decoding, and the --debug dump with secrets
// redacted.
package api

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/flexusl/flexusl/pkg/auth"
)

// Client calls the APIs. The zero value is not usable; fill the endpoints,
// HTTP and Auth.
type Client struct {
	Endpoint    string // HCSS
	BSSEndpoint string
	IAMEndpoint string
	HTTP        *http.Client
	Auth        auth.Authenticator
	UserAgent   string
	MaxRetries  int
	// Notify announces a retry (on stderr). May be nil.
	Notify func(msg string)
	// Sleep waits between attempts; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// HTTPOptions configure NewHTTPClient.
type HTTPOptions struct {
	Timeout  time.Duration
	CABundle string    // extra CA certificates (PEM)
	Debug    io.Writer // dump requests and responses here (secrets redacted); nil: off
}

// NewHTTPClient builds the HTTP client: TLS 1.2 at least, proxies from
// HTTPS_PROXY/NO_PROXY, an optional extra CA bundle, a per-request timeout.
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
		rt = &debugTransport{next: tr, w: o.Debug}
	}
	return &http.Client{Transport: rt, Timeout: o.Timeout}, nil
}

// Prepared is a request ready to send (and what --dry-run shows).
type Prepared struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
	scope  auth.Scope
	op     string
}

func (c *Client) prepare(op, method, url string, body []byte, scope auth.Scope) *Prepared {
	h := http.Header{}
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	h.Set("User-Agent", c.UserAgent)
	return &Prepared{Method: method, URL: url, Header: h, Body: body, scope: scope, op: op}
}

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
		req.Body, req.ContentLength = http.NoBody, 0
	}
	if c.Auth != nil {
		if err := c.Auth.Authenticate(ctx, req, p.Body, p.scope); err != nil {
			a.err = fmt.Errorf("authenticate: %w", err)
			return a
		}
	}
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { a.connected = true }}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	resp, err := c.HTTP.Do(req)
	if err != nil {
		a.err = err
		return a
	}
	defer resp.Body.Close()
	a.resp = resp
	a.body, a.err = io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	return a
}

// backoff is exponential with full jitter, 0.5 s base, 8 s cap, or the
// server's Retry-After (seconds) when it gives one (capped at 60 s).
func backoff(try int, resp *http.Response) time.Duration {
	if resp != nil {
		if s, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && s >= 0 {
			return min(time.Duration(s)*time.Second, 60*time.Second)
		}
	}
	d := min(500*time.Millisecond<<try, 8*time.Second)
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

// doIdempotent sends a request that is safe to repeat (GET, IAM look-ups):
// retried on 429, 5xx and network errors, at most MaxRetries times.
func (c *Client) doIdempotent(ctx context.Context, p *Prepared) ([]byte, http.Header, error) {
	for try := 0; ; try++ {
		a := c.send(ctx, p)
		var retryable bool
		var reason string
		switch {
		case a.err != nil && ctx.Err() != nil:
			return nil, nil, fmt.Errorf("%s: %w", p.op, ctx.Err())
		case a.err != nil:
			retryable, reason = true, a.err.Error()
		case a.resp.StatusCode >= 200 && a.resp.StatusCode < 300:
			return a.body, a.resp.Header, nil
		case a.resp.StatusCode == http.StatusTooManyRequests || a.resp.StatusCode >= 500:
			retryable, reason = true, "HTTP "+strconv.Itoa(a.resp.StatusCode)
		}
		if !retryable || try >= c.MaxRetries {
			if a.err != nil {
				return nil, nil, &TransientError{Op: p.op, Cause: fmt.Errorf("%s: %w", p.op, a.err)}
			}
			e := decodeError(p.op, a.resp.StatusCode, a.body)
			if retryable {
				return nil, nil, &TransientError{Op: p.op, Cause: e}
			}
			return nil, nil, e
		}
		d := backoff(try, a.resp)
		c.notify("%s: %s; retry %d/%d in %s", p.op, reason, try+1, c.MaxRetries, d.Round(10*time.Millisecond))
		if err := c.sleep(ctx, d); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p.op, err)
		}
	}
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
