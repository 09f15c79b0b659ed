package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// IAM paths.
const (
	pathTokens   = "/v3/auth/tokens"
	pathProjects = "/v3/projects"
	pathDomains  = "/v3/auth/domains"
)

// Wire types (testdata/wire/iam).
type (
	tokenRequest struct {
		Auth *struct {
			Identity *struct {
				Methods []string `json:"methods"`
				Token   *struct {
					ID string `json:"id"`
				} `json:"token"`
				Password *struct {
					User *struct {
						Name     string `json:"name"`
						Password string `json:"password"`
						Domain   *struct {
							Name string `json:"name"`
						} `json:"domain"`
					} `json:"user"`
				} `json:"password"`
			} `json:"identity"`
			Scope *tokenReqScope `json:"scope"`
		} `json:"auth"`
	}
	tokenReqScope struct {
		Project *struct {
			Name   string     `json:"name"`
			ID     string     `json:"id"`
			Domain *idNameReq `json:"domain"`
		} `json:"project"`
		Domain *idNameReq `json:"domain"`
	}
	idNameReq struct {
		Name string `json:"name"`
		ID   string `json:"id"`
	}
	tokenAnswer struct {
		Token tokenBody `json:"token"`
	}
	tokenBody struct {
		ExpiresAt string         `json:"expires_at"`
		IssuedAt  string         `json:"issued_at"`
		Methods   []string       `json:"methods"`
		Catalog   []catalogEntry `json:"catalog"`
		Project   *tokenProject  `json:"project,omitempty"` // project-scoped
		Domain    *idName        `json:"domain,omitempty"`  // domain-scoped
		Roles     []idName       `json:"roles"`
		User      tokenUser      `json:"user"`
	}
	tokenProject struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Domain idName `json:"domain"`
	}
	tokenUser struct {
		ID                string `json:"id"`
		Name              string `json:"name"`
		PasswordExpiresAt string `json:"password_expires_at"`
		Domain            idName `json:"domain"`
	}
	idName struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	catalogEntry struct {
		ID        string            `json:"id"`
		Name      string            `json:"name"`
		Type      string            `json:"type"`
		Endpoints []catalogEndpoint `json:"endpoints"`
	}
	catalogEndpoint struct {
		ID        string `json:"id"`
		Interface string `json:"interface"`
		Region    string `json:"region"`
		RegionID  string `json:"region_id"`
		URL       string `json:"url"`
	}
	links struct {
		Next     *string `json:"next"`
		Previous *string `json:"previous"`
		Self     string  `json:"self"`
	}
	projectsAnswer struct {
		Projects []project `json:"projects"`
		Links    links     `json:"links"`
	}
	project struct {
		DomainID    string `json:"domain_id"`
		IsDomain    bool   `json:"is_domain"`
		ParentID    string `json:"parent_id"`
		Name        string `json:"name"`
		Description string `json:"description"`
		Links       links  `json:"links"`
		ID          string `json:"id"`
		Enabled     bool   `json:"enabled"`
	}
	domainsAnswer struct {
		Domains []domain `json:"domains"`
		Links   links    `json:"links"`
	}
	domain struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Enabled     bool   `json:"enabled"`
		Description string `json:"description"`
		Links       struct {
			Self string `json:"self"`
		} `json:"links"`
	}
)

// baseURL is how the client reached the sandbox.
func baseURL(r *http.Request) string { return "http://" + r.Host }

// issuedToken is what a token the sandbox's IAM issued is for: one
// region's project, or the account (Region "").
type issuedToken struct {
	Region  string
	Account string
	User    string
	Expires time.Time
}

// newToken records a token for scope and returns its value: Options.Token
// with a suffix, so a test looking for Options.Token in output finds every
// issued token too.
func (s *Server) newToken(t issuedToken) string {
	s.tokMu.Lock()
	defer s.tokMu.Unlock()
	if s.tokens == nil {
		s.tokens = map[string]issuedToken{}
	}
	scope := t.Region
	if scope == "" {
		scope = "account"
	}
	v := s.opts.Token + "." + scope + "." + randomHex(8)
	s.tokens[v] = t
	return v
}

// tokenScope finds an issued token; ok is false for an unknown or expired
// one.
func (s *Server) tokenScope(v string, now time.Time) (issuedToken, bool) {
	s.tokMu.Lock()
	defer s.tokMu.Unlock()
	t, ok := s.tokens[v]
	return t, ok && now.Before(t.Expires)
}

// issueToken is IAM's token: by the password method (any user, the
// sandbox password) or the token method (a valid token, exchanged for
// another scope with the same expiry, as Keystone does); scoped to a
// project (scope.project.name = a region, or its id) or to the account
// (scope.domain). Errors in IAM's shape.
func (s *Server) issueToken(c *call) {
	var req tokenRequest
	if err := decodeStrict(c.body, &req); err != nil {
		c.fail(http.StatusBadRequest, "", "The request body is invalid: "+err.Error())
		return
	}
	a := req.Auth
	if a == nil || a.Identity == nil {
		c.fail(http.StatusBadRequest, "", "The request body is invalid: auth.identity is required")
		return
	}
	var who issuedToken
	method := "password"
	switch id := a.Identity; {
	case contains(id.Methods, "token") && !contains(id.Methods, "password"):
		method = "token"
		if id.Token == nil || id.Token.ID == "" || id.Password != nil {
			c.fail(http.StatusBadRequest, "", "The request body is invalid: auth.identity.token.id is required with the token method")
			return
		}
		t, ok := s.tokenScope(id.Token.ID, c.now)
		if id.Token.ID == s.opts.Token { // the sandbox's own token: any account name
			t, ok = issuedToken{Account: scopeAccount(a.Scope), User: "sandbox", Expires: c.now.Add(24 * time.Hour)}, true
		}
		if !ok {
			c.fail(http.StatusUnauthorized, "", "The token is invalid or has expired.")
			return
		}
		who = t
	case contains(id.Methods, "password"):
		if id.Password == nil || id.Password.User == nil || id.Password.User.Domain == nil {
			c.fail(http.StatusBadRequest, "", "The request body is invalid: auth.identity.password.user with name, password and domain.name is required")
			return
		}
		u := id.Password.User
		if u.Name == "" || u.Domain.Name == "" || u.Password != s.opts.Password {
			c.fail(http.StatusUnauthorized, "", "The username or password is wrong.")
			return
		}
		who = issuedToken{Account: u.Domain.Name, User: u.Name, Expires: c.now.Add(24 * time.Hour)}
	default:
		c.fail(http.StatusBadRequest, "", "The request body is invalid: auth.identity.methods must be [\"password\"] or [\"token\"]")
		return
	}
	account := idName{ID: s.opts.DomainID, Name: who.Account}
	tok := tokenBody{
		ExpiresAt: fmtTime(who.Expires, layoutMicros), IssuedAt: fmtTime(c.now, layoutMicros),
		Methods: []string{method}, Roles: []idName{{ID: "0", Name: "te_admin"}},
		User: tokenUser{ID: uuidHex("user/" + who.Account + "/" + who.User), Name: who.User, Domain: account},
	}
	scope := a.Scope
	switch {
	case scope != nil && scope.Project != nil && scope.Domain == nil:
		region := scope.Project.Name
		if region == "" && scope.Project.ID != "" {
			region, _ = s.regionOfProject(scope.Project.ID)
		}
		if _, ok := s.opts.Catalog.Region(region); !ok {
			c.fail(http.StatusBadRequest, "", fmt.Sprintf("The request body is invalid: project %q does not exist", scope.Project.Name+scope.Project.ID))
			return
		}
		if d := scope.Project.Domain; method == "token" && scope.Project.ID == "" && (d == nil || d.Name != who.Account && d.ID != s.opts.DomainID) {
			c.fail(http.StatusBadRequest, "", "The request body is invalid: auth.scope.project.domain must name the token's account when the project is named")
			return
		}
		who.Region = region
		tok.Project = &tokenProject{ID: ProjectID(region), Name: region, Domain: account}
		tok.Catalog = s.catalog(c.r, region)
	case scope != nil && scope.Domain != nil && scope.Project == nil:
		if scope.Domain.Name != who.Account && scope.Domain.ID != s.opts.DomainID {
			c.fail(http.StatusUnauthorized, "", fmt.Sprintf("The user has no access to domain %q.", scope.Domain.Name+scope.Domain.ID))
			return
		}
		who.Region = ""
		tok.Domain = &account
		tok.Catalog = s.catalog(c.r, "*")
	default:
		c.fail(http.StatusBadRequest, "", "The request body is invalid: auth.scope must hold one of project or domain")
		return
	}
	c.w.Header().Set("X-Subject-Token", s.newToken(who))
	c.json(http.StatusCreated, tokenAnswer{Token: tok})
}

// scopeAccount is the account a token request's scope names, if any.
func scopeAccount(sc *tokenReqScope) string {
	switch {
	case sc == nil:
	case sc.Project != nil && sc.Project.Domain != nil:
		return sc.Project.Domain.Name
	case sc.Domain != nil:
		return sc.Domain.Name
	}
	return ""
}

// checkToken accepts Options.Token for every call and a token IAM issued
// that has not expired: for a project-scoped call, only a token of that
// call's region (the path's project, or HCSS's body region), as a
// project-scoped token is for one region.
func (s *Server) checkToken(c *call, v string, sc scope) bool {
	if v == s.opts.Token {
		return true
	}
	t, ok := s.tokenScope(v, c.now)
	if !ok {
		c.gatewayError(http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: verify token fail")
		return false
	}
	if sc != scopeProject {
		return true
	}
	region := c.callRegion()
	switch {
	case t.Region == "":
		c.gatewayError(http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: a token scoped to the account cannot call a project-scoped API; use a token scoped to the region's project")
		return false
	case region != "" && region != t.Region:
		c.gatewayError(http.StatusUnauthorized, "APIGW.0301", fmt.Sprintf("Incorrect IAM authentication information: the token is scoped to project %s, not to %s", t.Region, region))
		return false
	}
	return true
}

// callRegion is the region a project-scoped call acts in: its path's
// project, else (HCSS) its body's region; "" when neither says.
func (c *call) callRegion() string {
	if p := c.r.PathValue("project_id"); p != "" {
		r, _ := c.s.regionOfProject(p)
		return r
	}
	var b struct {
		Region string `json:"region"`
	}
	if json.Unmarshal(c.body, &b) == nil {
		return b.Region
	}
	return ""
}

// catalog lists the sandbox's services, all at the address the client used.
func (s *Server) catalog(r *http.Request, region string) []catalogEntry {
	base := baseURL(r)
	var out []catalogEntry
	for _, svc := range []struct{ name, typ, path string }{
		{"iam", "identity", "/v3"}, {"ecs", "compute", "/v1/" + ProjectID(region)}, {"hcss", "hcss", ""},
		{"bss", "bss", ""}, {"rms", "rms", ""},
	} {
		if region == "*" && svc.name == "ecs" {
			continue
		}
		out = append(out, catalogEntry{ID: uuidHex("svc/" + svc.name), Name: svc.name, Type: svc.typ,
			Endpoints: []catalogEndpoint{{ID: uuidHex("ep/" + svc.name + "/" + region), Interface: "public", Region: region, RegionID: region, URL: base + svc.path}}})
	}
	return out
}

// uuidHex is a stable 32-hex-digit ID (the form IAM uses).
func uuidHex(name string) string { return strings.ReplaceAll(uuidFrom(name), "-", "") }

func (s *Server) projects(c *call) {
	name := c.r.URL.Query().Get("name")
	base := baseURL(c.r)
	out := projectsAnswer{Projects: []project{}, Links: links{Self: base + pathProjects}}
	for _, reg := range s.opts.Catalog.Regions {
		if name == "" || reg.ID == name {
			id := ProjectID(reg.ID)
			out.Projects = append(out.Projects, project{DomainID: s.opts.DomainID, ParentID: s.opts.DomainID, Name: reg.ID,
				Links: links{Self: base + pathProjects + "/" + id}, ID: id, Enabled: true})
		}
	}
	c.json(http.StatusOK, out)
}

func (s *Server) domains(c *call) {
	base := baseURL(c.r)
	d := domain{ID: s.opts.DomainID, Name: "sandbox", Enabled: true}
	d.Links.Self = base + "/v3/domains/" + s.opts.DomainID
	c.json(http.StatusOK, domainsAnswer{Domains: []domain{d}, Links: links{Self: base + pathDomains}})
}
