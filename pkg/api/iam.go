package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
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
	body := NewTokenRequest(account, user, password, region)
	data, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	p := c.prepare("get token", http.MethodPost, strings.TrimRight(c.IAMEndpoint, "/")+TokensPath, data, auth.ScopeNone)
	c2 := *c // the token request carries its own credentials
	c2.Auth = auth.None{}
	resp, hdr, err := c2.doIdempotent(withSensitiveBody(ctx), p)
	if err != nil {
		return nil, err
	}
	tok := hdr.Get("X-Subject-Token")
	if tok == "" {
		return nil, fmt.Errorf("get token: IAM answered without an X-Subject-Token header")
	}
	var out struct {
		Token struct {
			ExpiresAt string `json:"expires_at"`
		} `json:"token"`
	}
	if err := json.Unmarshal(resp, &out); err != nil {
		return nil, fmt.Errorf("get token: unreadable answer: %w", err)
	}
	exp, err := time.Parse(time.RFC3339, out.Token.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("get token: expires_at %q: %w", out.Token.ExpiresAt, err)
	}
	return &IssuedToken{Value: tok, ExpiresAt: exp.UTC(), Region: region}, nil
}

// ProjectID looks up the project ID of a region (IAM GET /v3/projects?name=).
func (c *Client) ProjectID(ctx context.Context, region string) (string, error) {
	p := c.prepare("look up project of "+region, http.MethodGet, strings.TrimRight(c.IAMEndpoint, "/")+ProjectsPath+"?name="+url.QueryEscape(region), nil, auth.ScopeNone)
	body, _, err := c.doIdempotent(ctx, p)
	if err != nil {
		return "", err
	}
	var out struct {
		Projects []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"projects"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return "", fmt.Errorf("%s: unreadable answer: %w", p.op, err)
	}
	for _, pr := range out.Projects {
		if pr.Name == region && pr.ID != "" {
			return pr.ID, nil
		}
	}
	return "", fmt.Errorf("%s: IAM lists no project named %q; set project_id (or FLEXUSL_PROJECT_ID)", p.op, region)
}

// DomainID looks up the account's domain ID (IAM GET /v3/auth/domains).
func (c *Client) DomainID(ctx context.Context) (string, error) {
	p := c.prepare("look up account ID", http.MethodGet, strings.TrimRight(c.IAMEndpoint, "/")+DomainsPath, nil, auth.ScopeNone)
	body, _, err := c.doIdempotent(ctx, p)
	if err != nil {
		return "", err
	}
	var out struct {
		Domains []struct {
			ID string `json:"id"`
		} `json:"domains"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return "", fmt.Errorf("%s: unreadable answer: %w", p.op, err)
	}
	if len(out.Domains) == 0 || out.Domains[0].ID == "" {
		return "", fmt.Errorf("%s: IAM lists no domain; set domain_id (or FLEXUSL_DOMAIN_ID)", p.op)
	}
	return out.Domains[0].ID, nil
}
