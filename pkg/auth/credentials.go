package auth

import (
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
	AccessKey      string
	SecretKey      string
	SecurityToken  string
	ProjectID      string
	DomainID       string
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
// are authenticated. now is the clock AK/SK signs with (nil: time.Now).
func (cr *Credentials) Authenticator(now func() time.Time) Authenticator {
	if cr.Mode == ModeAKSK {
		return AKSK{AccessKey: cr.AccessKey, SecretKey: cr.SecretKey, SecurityToken: cr.SecurityToken, Now: now}
	}
	return Token{Value: cr.Token, Region: cr.TokenRegion}
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
