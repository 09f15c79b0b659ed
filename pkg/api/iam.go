package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/service"
)

// IssuedToken is a token IAM issued.
type IssuedToken struct {
	Value     string
	ExpiresAt time.Time
	Region    string
}

// TokenRequest is IAM's token request body: the password method (with a
// user) or the token method (with a token), scoped to a project or to the
// account (domain).
type TokenRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string          `json:"methods"`
			Password *PasswordIdentity `json:"password,omitempty"`
			Token    *TokenIdentity    `json:"token,omitempty"`
		} `json:"identity"`
		Scope TokenScope `json:"scope"`
	} `json:"auth"`
}

// PasswordIdentity is the password method's user.
type PasswordIdentity struct {
	User struct {
		Name     string  `json:"name"`
		Password string  `json:"password"`
		Domain   NameRef `json:"domain"`
	} `json:"user"`
}

// TokenIdentity is the token method's token.
type TokenIdentity struct {
	ID string `json:"id"`
}

// NameRef names an IAM object.
type NameRef struct {
	Name string `json:"name"`
}

// TokenScope is what a token is for: one project (a region) or the
// account (domain).
type TokenScope struct {
	Project *ProjectRef `json:"project,omitempty"`
	Domain  *NameRef    `json:"domain,omitempty"`
}

// ProjectRef names a project; Domain is set when the account is not
// implied by the identity (the token method).
type ProjectRef struct {
	Name   string   `json:"name"`
	Domain *NameRef `json:"domain,omitempty"`
}

func passwordRequest(account, user, password string) *TokenRequest {
	var body TokenRequest
	body.Auth.Identity.Methods = []string{"password"}
	pw := &PasswordIdentity{}
	pw.User.Name, pw.User.Password, pw.User.Domain.Name = user, password, account
	body.Auth.Identity.Password = pw
	return &body
}

// NewTokenRequest builds a request for a token scoped to region's project.
func NewTokenRequest(account, user, password, region string) *TokenRequest {
	body := passwordRequest(account, user, password)
	body.Auth.Scope.Project = &ProjectRef{Name: region}
	return body
}

// NewDomainTokenRequest builds a request for a token scoped to the account
// (a global token: global services, and exchanged for project tokens).
func NewDomainTokenRequest(account, user, password string) *TokenRequest {
	body := passwordRequest(account, user, password)
	body.Auth.Scope.Domain = &NameRef{Name: account}
	return body
}

// NewExchangeRequest builds a token-method request: token (of account)
// exchanged for a token scoped to region's project.
func NewExchangeRequest(token, account, region string) *TokenRequest {
	var body TokenRequest
	body.Auth.Identity.Methods = []string{"token"}
	body.Auth.Identity.Token = &TokenIdentity{ID: token}
	body.Auth.Scope.Project = &ProjectRef{Name: region, Domain: &NameRef{Name: account}}
	return &body
}

// IssueToken asks IAM for a token scoped to region's project with the
// password method. The password never reaches --debug output.
func (c *Client) IssueToken(ctx context.Context, account, user, password, region string) (*IssuedToken, error) {
	return c.requestToken(ctx, "get token", NewTokenRequest(account, user, password, region), region, password)
}

// IssueDomainToken asks IAM for a token scoped to the account with the
// password method.
func (c *Client) IssueDomainToken(ctx context.Context, account, user, password string) (*IssuedToken, error) {
	return c.requestToken(ctx, "get account token", NewDomainTokenRequest(account, user, password), "", password)
}

// ExchangeToken asks IAM for a token scoped to region's project with the
// token method, given a token of the account (no password needed). The
// token is sent in the body only and never reaches --debug output.
func (c *Client) ExchangeToken(ctx context.Context, token, account, region string) (*IssuedToken, error) {
	return c.requestToken(ctx, "get token for "+region, NewExchangeRequest(token, account, region), region, token)
}

// requestToken sends a token request whose body holds secret; the token
// is the X-Subject-Token answer header.
func (c *Client) requestToken(ctx context.Context, name string, req *TokenRequest, region, secret string) (*IssuedToken, error) {
	data, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	op := &Op{Name: name, Call: service.GetToken, Path: service.GetToken.PathOf(), Body: data, Scope: auth.ScopeNone, SensitiveBody: true, Secrets: []string{secret}}
	c2 := c.withAuth(auth.None{}) // the token request carries its own credentials
	var out struct {
		Token struct {
			ExpiresAt string `json:"expires_at"`
		} `json:"token"`
	}
	resp, err := c2.DoJSON(ctx, op, Idempotent, &out)
	if err != nil {
		return nil, err
	}
	tok := resp.Header.Get("X-Subject-Token")
	if tok == "" {
		return nil, fmt.Errorf("%s: IAM answered without an X-Subject-Token header", name)
	}
	exp, err := time.Parse(time.RFC3339, out.Token.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("%s: expires_at %q: %w", name, capText(out.Token.ExpiresAt), err)
	}
	return &IssuedToken{Value: tok, ExpiresAt: exp.UTC(), Region: region}, nil
}

// Project is one entry of IAM's project list.
type Project struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	DomainID string `json:"domain_id"`
	Enabled  bool   `json:"enabled"`
}

// ListProjects is IAM GET /v3/projects, filtered by name when name is set.
func (c *Client) ListProjects(ctx context.Context, name string) ([]Project, error) {
	op := &Op{Name: "list projects", Call: service.ListProjects, Path: service.ListProjects.PathOf(), Scope: auth.ScopeNone}
	if name != "" {
		op.Name, op.Query = "look up project of "+name, url.Values{"name": {name}}
	}
	var out struct {
		Projects []Project `json:"projects"`
	}
	if _, err := c.DoJSON(ctx, op, Idempotent, &out); err != nil {
		return nil, err
	}
	return out.Projects, nil
}

// LookupProjectID finds the project ID of a region (IAM GET /v3/projects?name=).
func (c *Client) LookupProjectID(ctx context.Context, region string) (string, error) {
	ps, err := c.ListProjects(ctx, region)
	if err != nil {
		return "", err
	}
	for _, pr := range ps {
		if pr.Name == region && pr.ID != "" {
			return pr.ID, nil
		}
	}
	return "", fmt.Errorf("look up project of %s: IAM lists no project named %q; set project_id (or FLEXUSL_PROJECT_ID)", region, region)
}

// LookupDomainID finds the account's domain ID (IAM GET /v3/auth/domains).
func (c *Client) LookupDomainID(ctx context.Context) (string, error) {
	op := &Op{Name: "look up account ID", Call: service.ListDomains, Path: service.ListDomains.PathOf(), Scope: auth.ScopeNone}
	var out struct {
		Domains []struct {
			ID string `json:"id"`
		} `json:"domains"`
	}
	if _, err := c.DoJSON(ctx, op, Idempotent, &out); err != nil {
		return "", err
	}
	if len(out.Domains) == 0 || out.Domains[0].ID == "" {
		return "", fmt.Errorf("look up account ID: IAM lists no domain; set domain_id (or FLEXUSL_DOMAIN_ID)")
	}
	return out.Domains[0].ID, nil
}
