package cmdutil

import (
	"crypto/tls"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/service"
	"github.com/flexusl/flexusl/pkg/ui"
)

func testFactory(t *testing.T, env map[string]string) *Factory {
	t.Helper()
	if env == nil {
		env = map[string]string{}
	}
	env["FLEXUSL_CONFIG"] = filepath.Join(t.TempDir(), "c.yaml")
	io, _, _, _ := ui.Test()
	return &Factory{IO: io, Getenv: func(k string) string { return env[k] }}
}

// Without HTTPClient the API client sends through the configured client:
// TLS 1.2 at least, proxies from the environment, the timeout, no redirect.
func TestBareClientDefaultHTTP(t *testing.T) {
	f := testFactory(t, map[string]string{"FLEXUSL_TIMEOUT": "7s"})
	c, err := f.BareClient()
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTP.Timeout != 7*time.Second || c.HTTP.CheckRedirect == nil {
		t.Errorf("timeout %v, redirect check %v", c.HTTP.Timeout, c.HTTP.CheckRedirect != nil)
	}
	tr, ok := c.HTTP.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("transport %T", c.HTTP.Transport)
	}
	if tr.TLSClientConfig == nil || tr.TLSClientConfig.MinVersion != tls.VersionTLS12 || tr.Proxy == nil {
		t.Errorf("TLS %+v, proxy %v", tr.TLSClientConfig, tr.Proxy != nil)
	}
	// A bad CA bundle is the user's mistake: exit 2, as before.
	f = testFactory(t, map[string]string{"FLEXUSL_CA_BUNDLE": filepath.Join(t.TempDir(), "none.pem")})
	if _, err := f.BareClient(); err == nil || exitcode.Of(err) != exitcode.Usage {
		t.Errorf("missing CA bundle: %v", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A swapped HTTP client is the one used, and still follows no redirect and
// gets the configured timeout when it sets none; its own timeout stays.
func TestBareClientSwappedHTTP(t *testing.T) {
	rt := roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("stub") })
	f := testFactory(t, map[string]string{"FLEXUSL_TIMEOUT": "9s"})
	calls := 0
	f.HTTPClient = func() (*http.Client, error) { calls++; return &http.Client{Transport: rt}, nil }
	c, err := f.BareClient()
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 || c.HTTP.Transport == nil || c.HTTP.Timeout != 9*time.Second || c.HTTP.CheckRedirect == nil {
		t.Fatalf("calls %d, client %+v", calls, c.HTTP)
	}
	if err := c.HTTP.CheckRedirect(nil, nil); !errors.Is(err, http.ErrUseLastResponse) {
		t.Errorf("redirect check: %v", err)
	}
	f = testFactory(t, nil)
	f.HTTPClient = func() (*http.Client, error) { return &http.Client{Transport: rt, Timeout: time.Second}, nil }
	if c, err := f.BareClient(); err != nil || c.HTTP.Timeout != time.Second {
		t.Errorf("own timeout replaced: %v %v", c, err)
	}
	f = testFactory(t, nil)
	f.HTTPClient = func() (*http.Client, error) { return nil, errors.New("no client today") }
	if _, err := f.BareClient(); err == nil || err.Error() != "no client today" {
		t.Errorf("error lost: %v", err)
	}
}

// The API client gets every service's endpoint from its option (the
// service table's key): each set apart, each arrives at its own service.
func TestBareClientEndpointsFromTheServiceTable(t *testing.T) {
	env := map[string]string{}
	for _, s := range service.Services {
		env[s.Env] = "https://" + strings.ToLower(s.Name) + ".test"
	}
	c, err := testFactory(t, env).BareClient()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range service.Services {
		if got, want := c.Endpoints[s.ID], "https://"+strings.ToLower(s.Name)+".test"; got != want {
			t.Errorf("%s: %q, want %q", s.Name, got, want)
		}
	}
	if c, _ := testFactory(t, nil).BareClient(); c.Endpoints[service.ECS] != service.ECS.Get().Default {
		t.Errorf("ECS default: %q", c.Endpoints[service.ECS])
	}
}
