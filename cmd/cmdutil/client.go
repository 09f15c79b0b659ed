package cmdutil

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/buildinfo"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/service"
)

// Clock returns the time (tests may set Factory.Now).
func (f *Factory) Clock() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// JournalPath is the journal's path. It fails (exit 1) when there is no
// absolute place for it: the journal never lives under the current
// directory.
func (f *Factory) JournalPath() (string, error) { return journal.DefaultPath(f.Getenv) }

// Credentials resolves the profile's credentials (exit 3 when none).
func (f *Factory) Credentials() (*auth.Credentials, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	if err := cfg.CheckProfile(); err != nil {
		return nil, UsageError(err)
	}
	return auth.FromConfig(cfg)
}

// DefaultHTTPClient is the configured HTTP client (see api.NewHTTPClient):
// TLS 1.2 at least, proxies from the environment, the ca_bundle, the
// timeout, no redirect followed, and with --debug a redacted dump on
// stderr. A bad ca_bundle is a usage error (exit 2).
func (f *Factory) DefaultHTTPClient() (*http.Client, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	var debug = f.IO.ErrOut
	if !cfg.Bool(config.KeyDebug) {
		debug = nil
	}
	hc, err := api.NewHTTPClient(api.HTTPOptions{Timeout: cfg.Duration(config.KeyTimeout), CABundle: cfg.Get(config.KeyCABundle), Debug: debug})
	if err != nil {
		return nil, UsageError(err)
	}
	return hc, nil
}

// httpClient is the HTTP client of an API client: Factory.HTTPClient's when
// set, else DefaultHTTPClient. A supplied client is copied and given what
// the default one has and it lacks: no redirect followed, the configured
// timeout, and with --debug the same redacted dump.
func (f *Factory) httpClient() (*http.Client, error) {
	if f.HTTPClient == nil {
		return f.DefaultHTTPClient()
	}
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	hc, err := f.HTTPClient()
	if err != nil {
		return nil, err
	}
	if hc == nil {
		return nil, errors.New("Factory.HTTPClient returned no client")
	}
	cp := *hc
	if cp.CheckRedirect == nil {
		cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	if cp.Timeout == 0 {
		cp.Timeout = cfg.Duration(config.KeyTimeout)
	}
	if cfg.Bool(config.KeyDebug) {
		cp.Transport = api.DebugTransport(cp.Transport, f.IO.ErrOut)
	}
	return &cp, nil
}

// BareClient is an API client without credentials (for dry runs and IAM
// token requests). It sends through the Factory's HTTP client.
func (f *Factory) BareClient() (*api.Client, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	hc, err := f.httpClient()
	if err != nil {
		return nil, err
	}
	eps := api.Endpoints{}
	for _, s := range service.Services {
		eps[s.ID] = cfg.Get(s.Key)
	}
	return &api.Client{
		Endpoints:  eps,
		HTTP:       hc,
		UserAgent:  buildinfo.UserAgent(),
		MaxRetries: cfg.Int(config.KeyMaxRetries),
		Notify:     func(msg string) { f.IO.Warnf("%s", msg) },
	}, nil
}

// APIClient is the authenticated client of this run, built once. It fails
// fast (exit 3, nothing sent) without credentials or with an expired stored
// token. A call for a region the stored token is not scoped to gets that
// region's token (stored, or exchanged through IAM and stored: see
// regionTokens); project and domain IDs that are not configured are looked up
// through IAM when a call needs them, once per run.
func (f *Factory) APIClient() (*api.Client, error) {
	f.clientOnce.Do(func() {
		c, err := f.BareClient()
		if err != nil {
			f.clientErr = err
			return
		}
		cr, err := f.Credentials()
		if err != nil {
			f.clientErr = err
			return
		}
		if err := cr.Check(f.Clock()); err != nil {
			f.clientErr = err
			return
		}
		cfg, _ := f.Config()
		var forRegion func(ctx context.Context, region string) (string, error)
		if cr.Mode == auth.ModeToken && cr.TokenSource == config.SourceProfile {
			forRegion = f.regionTokens(c, cr, cfg)
		}
		c.Auth = cr.Authenticator(f.Clock, forRegion)
		c.ProjectID, c.DomainID = cr.ProjectID, cr.DomainID
		if c.ProjectID != "" {
			c.ProjectRegion = cfg.Get(config.KeyRegion) // a configured project ID is the configured region's
		}
		f.client = c
	})
	return f.client, f.clientErr
}

// regionTokens gives stored tokens their tokens for other regions: a
// stored one that has not expired, else one IAM exchanges for the stored
// account token, which is stored in the profile (0600) for later runs.
func (f *Factory) regionTokens(c *api.Client, cr *auth.Credentials, cfg *config.Config) func(ctx context.Context, region string) (string, error) {
	var mu sync.Mutex
	exchange := func(ctx context.Context, domainToken, account, region string) (string, time.Time, error) {
		f.IO.Infof("Getting a token for %s from IAM (with the stored account token)...", region)
		t, err := c.ExchangeToken(ctx, domainToken, account, region)
		if err != nil {
			return "", time.Time{}, err
		}
		return t.Value, t.ExpiresAt, nil
	}
	store := func(m map[string]config.RegionToken) error {
		err := cfg.SetInFile(cfg.Profile(), config.KeyRegionTokens, config.FormatRegionTokens(m))
		if err == nil {
			err = cfg.Save()
		}
		if err != nil { // the token still serves this run
			f.IO.Warnf("the token was not stored (%v): the next run asks IAM again", err)
		}
		return nil
	}
	return func(ctx context.Context, region string) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		return cr.RegionToken(ctx, region, f.Clock(), exchange, store)
	}
}

// ReadJournal reads the journal for a command that lists it (order list,
// job list): its entries and its path, with a warning for the lines that
// could not be read.
func (f *Factory) ReadJournal() ([]journal.Entry, string, error) {
	path, err := f.JournalPath()
	if err != nil {
		return nil, "", err
	}
	entries, skipped, err := journal.Read(path)
	if err != nil {
		return nil, path, err
	}
	if skipped > 0 {
		f.IO.Warnf("%d unreadable line(s) in %s were skipped", skipped, path)
	}
	return entries, path, nil
}
