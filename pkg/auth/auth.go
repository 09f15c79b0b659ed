// Package auth puts credentials on API requests: a token (X-Auth-Token) or
// AK/SK request signing (SDK-HMAC-SHA256, with X-Project-Id for
// project-scoped services and X-Domain-Id for global ones).
package auth

import (
	"context"
	"errors"
	"net/http"
	"time"

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

// Authenticator adds credentials to a request; body is exactly what is sent.
type Authenticator interface {
	Authenticate(ctx context.Context, r *http.Request, body []byte, scope Scope) error
}

// Headers whose values are secret: never shown, logged or printed.
var SecretHeaders = []string{"X-Auth-Token", "Authorization", "X-Security-Token", "X-Subject-Token"}

// Token authenticates with an IAM token.
type Token struct{ Value string }

// Authenticate sets X-Auth-Token.
func (t Token) Authenticate(_ context.Context, r *http.Request, _ []byte, _ Scope) error {
	if t.Value == "" {
		return errors.New("no token")
	}
	r.Header.Set("X-Auth-Token", t.Value)
	return nil
}

// AKSK signs requests with an access key pair.
type AKSK struct {
	AccessKey, SecretKey string
	SecurityToken        string // temporary credentials
	ProjectID            string // sent on project-scoped requests
	DomainID             string // sent on global requests
	Now                  func() time.Time
}

// Authenticate sets the scope headers and X-Sdk-Date, then signs.
func (a AKSK) Authenticate(_ context.Context, r *http.Request, body []byte, scope Scope) error {
	if a.AccessKey == "" || a.SecretKey == "" {
		return errors.New("no access key or secret key")
	}
	switch scope {
	case ScopeProject:
		if a.ProjectID != "" {
			r.Header.Set("X-Project-Id", a.ProjectID)
		}
	case ScopeDomain:
		if a.DomainID != "" {
			r.Header.Set("X-Domain-Id", a.DomainID)
		}
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

// None sends no credentials (the IAM token request carries its own).
type None struct{}

// Authenticate does nothing.
func (None) Authenticate(context.Context, *http.Request, []byte, Scope) error { return nil }
