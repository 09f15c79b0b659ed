package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/flexusl/flexusl/pkg/auth"
)

// IAM paths.
const (
	TokensPath   = "/v3/auth/tokens"
	ProjectsPath = "/v3/projects"
	DomainsPath  = "/v3/auth/domains"
)

// IssuedToken is a token IAM issued.
type IssuedToken struct {
	Value     string
	ExpiresAt time.Time
	Region    string
}

// TokenRequest is IAM's password-method token request body.
type TokenRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					Name     string `json:"name"`
					Password string `json:"password"`
					Domain   struct {
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope struct {
			Project struct {
				Name string `json:"name"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

// NewTokenRequest builds a request for a token scoped to region's project.
func NewTokenRequest(account, user, password, region string) *TokenRequest {
	var body TokenRequest
	body.Auth.Identity.Methods = []string{"password"}
	body.Auth.Identity.Password.User.Name = user
	body.Auth.Identity.Password.User.Password = password
	body.Auth.Identity.Password.User.Domain.Name = account
	body.Auth.Scope.Project.Name = region
	return &body
}

// IssueToken asks IAM for a token scoped to region's project with the
// password method. The password never reaches --debug output.
func (c *Client) IssueToken(ctx context.Context, account, user, password, region string) (*IssuedToken, error) {
	data, err := json.Marshal(NewTokenRequest(account, user, password, region))
	if err != nil {
		return nil, err
	}
	op := &Op{Name: "get token", Service: IAM, Method: http.MethodPost, Path: TokensPath, Body: data, Scope: auth.ScopeNone, SensitiveBody: true, Secrets: []string{password}}
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
		return nil, fmt.Errorf("get token: IAM answered without an X-Subject-Token header")
	}
	exp, err := time.Parse(time.RFC3339, out.Token.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("get token: expires_at %q: %w", capText(out.Token.ExpiresAt), err)
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
	op := &Op{Name: "list projects", Service: IAM, Method: http.MethodGet, Path: ProjectsPath, Scope: auth.ScopeNone}
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
	op := &Op{Name: "look up account ID", Service: IAM, Method: http.MethodGet, Path: DomainsPath, Scope: auth.ScopeNone}
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
