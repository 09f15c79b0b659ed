package cmdutil

import (
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/buildinfo"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/journal"
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

// BareClient is an API client without credentials (for dry runs and IAM
// token requests).
func (f *Factory) BareClient() (*api.Client, error) {
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
	return &api.Client{
		Endpoint:    cfg.Get(config.KeyEndpoint),
		BSSEndpoint: cfg.Get(config.KeyBSSEndpoint),
		IAMEndpoint: cfg.Get(config.KeyIAMEndpoint),
		RMSEndpoint: cfg.Get(config.KeyRMSEndpoint),
		ECSEndpoint: cfg.Get(config.KeyECSEndpoint),
		VPCEndpoint: cfg.Get(config.KeyVPCEndpoint),
		HTTP:        hc,
		UserAgent:   buildinfo.UserAgent(),
		MaxRetries:  cfg.Int(config.KeyMaxRetries),
		Notify:      func(msg string) { f.IO.Warnf("%s", msg) },
	}, nil
}

// APIClient is the authenticated client of this run, built once. It fails
// fast (exit 3, nothing sent) without credentials or with an expired stored
// token. A call for a region the stored token is not scoped to is refused
// per call; project and domain IDs that are not configured are looked up
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
		c.Auth = cr.Authenticator(f.Clock)
		c.ProjectID, c.DomainID = cr.ProjectID, cr.DomainID
		if c.ProjectID != "" {
			c.ProjectRegion = cfg.Get(config.KeyRegion) // a configured project ID is the configured region's
		}
		f.client = c
	})
	return f.client, f.clientErr
}
