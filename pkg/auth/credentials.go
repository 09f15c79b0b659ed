package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/exitcode"
)

// Modes.
const (
	ModeToken = "token"
	ModeAKSK  = "aksk"
)

// Credentials are what a run authenticates with, as the config resolved
// them. Their String form masks every secret.
type Credentials struct {
	Mode           string
	Token          string
	TokenSource    config.Source
	TokenExpiresAt time.Time // zero when unknown (e.g. from FLEXUSL_TOKEN)
	TokenRegion    string
	// DomainToken is the account-scoped token auth login stored (zero
	// when none): sent to global services and exchanged through IAM for
	// tokens of other regions.
	DomainToken          string
	DomainTokenExpiresAt time.Time
	// RegionTokens are stored tokens of other regions than TokenRegion.
	RegionTokens  map[string]config.RegionToken
	Account       string // the account the stored tokens were issued in
	AccessKey     string
	SecretKey     string
	SecurityToken string
	ProjectID     string
	DomainID      string
}

// ErrNoCredentials says where credentials can be set (exit 3).
func ErrNoCredentials(profile string) error {
	return exitcode.Errorf(exitcode.Auth, "no credentials for profile %q: run `flexusl auth login` (stores a token), "+
		"or set FLEXUSL_TOKEN, or set FLEXUSL_ACCESS_KEY and FLEXUSL_SECRET_KEY (or HUAWEICLOUD_SDK_AK/SK), "+
		"or store them with `flexusl config set`", profile)
}

// FromConfig resolves the credentials: auth_mode when set, else the mode
// whose credentials are present (AK/SK when both are).
func FromConfig(c *config.Config) (*Credentials, error) {
	cr := &Credentials{
		AccessKey: c.Get(config.KeyAccessKey), SecretKey: c.Get(config.KeySecretKey), SecurityToken: c.Get(config.KeySecurityToken),
		ProjectID: c.Get(config.KeyProjectID), DomainID: c.Get(config.KeyDomainID),
		TokenRegion: c.Get(config.KeyTokenRegion),
	}
	cr.Token, cr.TokenSource = c.Resolve(config.KeyToken)
	if cr.TokenSource == config.SourceProfile {
		if s := c.Get(config.KeyTokenExpiresAt); s != "" {
			cr.TokenExpiresAt, _ = time.Parse(time.RFC3339, s)
		}
		cr.Account = c.Get(config.KeyTokenAccount)
		if cr.DomainToken = c.Get(config.KeyDomainToken); cr.DomainToken != "" {
			cr.DomainTokenExpiresAt, _ = time.Parse(time.RFC3339, c.Get(config.KeyDomainTokenExp))
		}
		rts, err := config.ParseRegionTokens(c.Get(config.KeyRegionTokens))
		if err != nil {
			return nil, exitcode.Errorf(exitcode.Auth, "region_tokens in profile %q: %v: run `flexusl auth login`", c.Profile(), err)
		}
		cr.RegionTokens = rts
	} else {
		cr.TokenRegion = "" // the stored region says nothing about a token from the environment
	}
	hasToken := cr.Token != ""
	hasKeys := cr.AccessKey != "" || cr.SecretKey != ""
	mode := c.Get(config.KeyAuthMode)
	switch {
	case mode != "":
	case hasToken && !hasKeys:
		mode = ModeToken
	case hasKeys:
		mode = ModeAKSK
	default:
		return nil, ErrNoCredentials(c.Profile())
	}
	cr.Mode = mode
	switch mode {
	case ModeToken:
		if !hasToken {
			return nil, exitcode.Errorf(exitcode.Auth, "auth_mode is token but no token is set for profile %q: run `flexusl auth login` or set FLEXUSL_TOKEN", c.Profile())
		}
	case ModeAKSK:
		var missing []string
		if cr.AccessKey == "" {
			missing = append(missing, "access_key (FLEXUSL_ACCESS_KEY)")
		}
		if cr.SecretKey == "" {
			missing = append(missing, "secret_key (FLEXUSL_SECRET_KEY)")
		}
		if len(missing) > 0 {
			return nil, exitcode.Errorf(exitcode.Auth, "auth_mode is aksk but %s is not set for profile %q", strings.Join(missing, " and "), c.Profile())
		}
	}
	return cr, nil
}

// Check fails (exit 3) when a stored token has expired. (A token scoped to
// another region than a call's is refused per call, by Token.Authenticate.)
func (cr *Credentials) Check(now time.Time) error {
	if cr.Mode != ModeToken {
		return nil
	}
	if !cr.TokenExpiresAt.IsZero() && !now.Before(cr.TokenExpiresAt) {
		return exitcode.Errorf(exitcode.Auth, "the stored token expired at %s: run `flexusl auth login`", cr.TokenExpiresAt.Format(time.RFC3339))
	}
	return nil
}

// Authenticator is the one place a credential mode becomes the way requests
// are authenticated. now is the clock AK/SK signs with and tokens' expiry is
// checked against (nil: time.Now). forRegion, when not nil, gives a stored
// token tokens of other regions (see RegionToken).
func (cr *Credentials) Authenticator(now func() time.Time, forRegion func(ctx context.Context, region string) (string, error)) Authenticator {
	if cr.Mode == ModeAKSK {
		return AKSK{AccessKey: cr.AccessKey, SecretKey: cr.SecretKey, SecurityToken: cr.SecurityToken, Now: now}
	}
	t := Token{Value: cr.Token, Region: cr.TokenRegion, ForRegion: forRegion}
	if now == nil {
		now = time.Now
	}
	if cr.DomainToken != "" && now().Before(cr.DomainTokenExpiresAt) {
		t.Domain = cr.DomainToken
	}
	return t
}

// Exchanger gets a token for a region's project from IAM with the stored
// account-scoped token (IAM's token method).
type Exchanger func(ctx context.Context, domainToken, account, region string) (token string, expiresAt time.Time, err error)

// RegionToken is the token for a project-scoped call in region, which is
// not TokenRegion: a stored one that has not expired, else one exchange
// gets with the account-scoped token (stored by store, when not nil). It
// fails (exit 3, nothing sent) when neither can be had, naming the command
// that gets one.
func (cr *Credentials) RegionToken(ctx context.Context, region string, now time.Time, exchange Exchanger, store func(map[string]config.RegionToken) error) (string, error) {
	if t, ok := cr.RegionTokens[region]; ok && now.Before(t.ExpiresAt) {
		return t.Token, nil
	}
	fix := fmt.Sprintf("run `flexusl auth login --region %s`", region)
	if cr.DomainToken == "" || exchange == nil {
		return "", exitcode.Errorf(exitcode.Auth, "no token for %s is stored (the stored token is scoped to %s, and no account token to get one from; nothing was sent): %s", region, cr.TokenRegion, fix)
	}
	if !now.Before(cr.DomainTokenExpiresAt) {
		return "", exitcode.Errorf(exitcode.Auth, "no token for %s is stored and the stored account token expired at %s (nothing was sent): %s", region, cr.DomainTokenExpiresAt.Format(time.RFC3339), fix)
	}
	tok, exp, err := exchange(ctx, cr.DomainToken, cr.Account, region)
	if err != nil {
		return "", exitcode.Errorf(exitcode.Auth, "getting a token for %s from IAM with the stored account token failed (nothing else was sent): %v\nHint: %s", region, err, fix)
	}
	if !now.Before(exp) {
		return "", exitcode.Errorf(exitcode.Auth, "IAM gave a token for %s that expired at %s (nothing else was sent): %s", region, exp.Format(time.RFC3339), fix)
	}
	if cr.RegionTokens == nil {
		cr.RegionTokens = map[string]config.RegionToken{}
	}
	cr.RegionTokens[region] = config.RegionToken{Token: tok, ExpiresAt: exp}
	if store != nil {
		if err := store(cr.RegionTokens); err != nil {
			return "", err
		}
	}
	return tok, nil
}

// Masked is the credential as `auth status` shows it.
func (cr *Credentials) Masked() string {
	if cr.Mode == ModeAKSK {
		return config.Mask(config.KeyAccessKey, cr.AccessKey)
	}
	return config.Mask(config.KeyToken, cr.Token)
}

// String never shows a secret.
func (cr *Credentials) String() string { return cr.Mode + " " + cr.Masked() }
