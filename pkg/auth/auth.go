// Package auth puts credentials on API requests: a token (X-Auth-Token) or
// AK/SK request signing (SDK-HMAC-SHA256, with X-Project-Id for
// project-scoped services and X-Domain-Id for global ones).
package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/signer"
)

// Scope says what a request is scoped to.
type Scope int

// Scopes.
const (
	ScopeProject Scope = iota // regional services (HCSS)
	ScopeDomain               // global services (BSS)
	ScopeNone                 // IAM look-ups
)

// Target is what one request is for: its scope, the region it acts in
// (empty for global services) and the IDs of that scope, resolved by the
// caller.
type Target struct {
	Scope     Scope
	Region    string
	ProjectID string // the region's project (ScopeProject)
	DomainID  string // the account (ScopeDomain)
}

// Authenticator adds credentials to a request; body is exactly what is sent.
// It fails, before anything is sent, when its credentials cannot serve t.
type Authenticator interface {
	Authenticate(ctx context.Context, r *http.Request, body []byte, t Target) error
	// SendsScopeIDs reports whether requests carry the project or domain ID
	// in headers (AK/SK does; a token carries its scope inside).
	SendsScopeIDs() bool
}

// Headers whose values are secret: never shown, logged or printed.
var SecretHeaders = []string{"X-Auth-Token", "Authorization", "X-Security-Token", "X-Subject-Token"}

// Token authenticates with an IAM token.
type Token struct {
	Value string
	// Region is the region whose project the token is scoped to, when
	// known (a stored token); "" for a token from the environment.
	Region string
	// Domain is a token scoped to the account, sent to global services
	// (BSS, RMS) when set; "" sends Value.
	Domain string
	// ForRegion gives a token for another region's project (a stored one,
	// or one IAM issues now); nil refuses such calls.
	ForRegion func(ctx context.Context, region string) (string, error)
}

// Authenticate sets X-Auth-Token: for a project-scoped call in another
// region than the token's, the token ForRegion gives; without ForRegion
// such a call is refused (exit 3) before anything is sent, as the service
// would reject it.
func (t Token) Authenticate(ctx context.Context, r *http.Request, _ []byte, tg Target) error {
	if t.Value == "" {
		return errors.New("no token")
	}
	v := t.Value
	switch {
	case tg.Scope == ScopeProject && tg.Region != "" && t.Region != "" && t.Region != tg.Region:
		if t.ForRegion == nil {
			return exitcode.Errorf(exitcode.Auth, "the stored token is scoped to %s but this call is for %s (nothing was sent): run `flexusl auth login --region %s`", t.Region, tg.Region, tg.Region)
		}
		var err error
		if v, err = t.ForRegion(ctx, tg.Region); err != nil {
			return err
		}
	case tg.Scope == ScopeDomain && t.Domain != "":
		v = t.Domain
	}
	r.Header.Set("X-Auth-Token", v)
	return nil
}

// SendsScopeIDs is false: a token carries its scope.
func (Token) SendsScopeIDs() bool { return false }

// AKSK signs requests with an access key pair.
type AKSK struct {
	AccessKey, SecretKey string
	SecurityToken        string // temporary credentials
	Now                  func() time.Time
}

// Authenticate sets the scope headers (X-Project-Id or X-Domain-Id from
// the target) and X-Sdk-Date, then signs.
func (a AKSK) Authenticate(_ context.Context, r *http.Request, body []byte, tg Target) error {
	if a.AccessKey == "" || a.SecretKey == "" {
		return errors.New("no access key or secret key")
	}
	switch tg.Scope {
	case ScopeProject:
		if tg.ProjectID == "" {
			return fmt.Errorf("AK/SK needs the project ID of region %q", tg.Region)
		}
		r.Header.Set("X-Project-Id", tg.ProjectID)
	case ScopeDomain:
		if tg.DomainID == "" {
			return errors.New("AK/SK needs the account (domain) ID")
		}
		r.Header.Set("X-Domain-Id", tg.DomainID)
	}
	if a.SecurityToken != "" {
		r.Header.Set("X-Security-Token", a.SecurityToken)
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	signer.Sign(r, body, a.AccessKey, a.SecretKey, now(), true)
	return nil
}

// SendsScopeIDs is true: AK/SK requests name their project or domain.
func (AKSK) SendsScopeIDs() bool { return true }

// None sends no credentials (the IAM token request carries its own).
type None struct{}

// Authenticate does nothing.
func (None) Authenticate(context.Context, *http.Request, []byte, Target) error { return nil }

// SendsScopeIDs is false.
func (None) SendsScopeIDs() bool { return false }
