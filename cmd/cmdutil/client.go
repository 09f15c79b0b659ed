package cmdutil

import (
	"context"
	"fmt"
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
		HTTP:        hc,
		UserAgent:   buildinfo.UserAgent(),
		MaxRetries:  cfg.Int(config.KeyMaxRetries),
		Notify:      func(msg string) { f.IO.Warnf("%s", msg) },
	}, nil
}

// APIClient is an authenticated client for requests about region with the
// given scopes. It fails fast (exit 3, nothing sent) without credentials or
// with an expired stored token. Under AK/SK a missing project ID (for
// project scope) or domain ID (for domain scope) is looked up through IAM,
// once per run.
func (f *Factory) APIClient(ctx context.Context, region string, scopes ...auth.Scope) (*api.Client, error) {
	c, err := f.BareClient()
	if err != nil {
		return nil, err
	}
	cr, err := f.Credentials()
	if err != nil {
		return nil, err
	}
	warnings, err := cr.Check(f.Clock(), region)
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		f.IO.Warnf("%s", w)
	}
	if cr.Mode == auth.ModeToken {
		c.Auth = auth.Token{Value: cr.Token}
		return c, nil
	}
	ak := auth.AKSK{AccessKey: cr.AccessKey, SecretKey: cr.SecretKey, SecurityToken: cr.SecurityToken, ProjectID: cr.ProjectID, DomainID: cr.DomainID, Now: f.Clock}
	c.Auth = ak
	for _, s := range scopes {
		switch {
		case s == auth.ScopeProject && ak.ProjectID == "":
			if f.projectIDs == nil {
				f.projectIDs = map[string]string{}
			}
			if id, ok := f.projectIDs[region]; ok {
				ak.ProjectID = id
				break
			}
			id, err := c.ProjectID(ctx, region)
			if err != nil {
				return nil, fmt.Errorf("AK/SK needs the project ID of %s: %w", region, err)
			}
			f.projectIDs[region], ak.ProjectID = id, id
		case s == auth.ScopeDomain && ak.DomainID == "":
			if f.domainID == "" {
				id, err := c.DomainID(ctx)
				if err != nil {
					return nil, fmt.Errorf("AK/SK needs the account (domain) ID: %w", err)
				}
				f.domainID = id
			}
			ak.DomainID = f.domainID
		}
	}
	c.Auth = ak
	return c, nil
}
