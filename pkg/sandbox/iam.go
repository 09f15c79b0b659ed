package sandbox

import (
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

func (s *Server) iamRoutes() {
	s.route("POST "+pathTokens, RouteIAM, svcIAM, scopeOpen, s.issueToken)
	s.route("GET "+pathProjects, RouteIAM, svcIAM, scopeNone, s.projects)
	s.route("GET "+pathDomains, RouteIAM, svcIAM, scopeNone, s.domains)
}

// Wire types (testdata/wire/iam).
type (
	tokenRequest struct {
		Auth *struct {
			Identity *struct {
				Methods  []string `json:"methods"`
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
			Scope *struct {
				Project *struct {
					Name string `json:"name"`
					ID   string `json:"id"`
				} `json:"project"`
				Domain *struct {
					Name string `json:"name"`
					ID   string `json:"id"`
				} `json:"domain"`
			} `json:"scope"`
		} `json:"auth"`
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

// issueToken is the password-method token: project-scoped
// (scope.project.name = a region) or domain-scoped (scope.domain.name = the
// user's account). Errors in IAM's shape.
func (s *Server) issueToken(c *call) {
	var req tokenRequest
	if err := decodeStrict(c.body, &req); err != nil {
		c.fail(http.StatusBadRequest, "", "The request body is invalid: "+err.Error())
		return
	}
	a := req.Auth
	if a == nil || a.Identity == nil || a.Identity.Password == nil || a.Identity.Password.User == nil || a.Identity.Password.User.Domain == nil {
		c.fail(http.StatusBadRequest, "", "The request body is invalid: auth.identity.password.user with name, password and domain.name is required")
		return
	}
	if !contains(a.Identity.Methods, "password") {
		c.fail(http.StatusBadRequest, "", "The request body is invalid: auth.identity.methods must include \"password\"")
		return
	}
	u := a.Identity.Password.User
	if u.Name == "" || u.Domain.Name == "" || u.Password != s.opts.Password {
		c.fail(http.StatusUnauthorized, "", "The username or password is wrong.")
		return
	}
	account := idName{ID: s.opts.DomainID, Name: u.Domain.Name}
	tok := tokenBody{
		ExpiresAt: fmtTime(c.now.Add(24*time.Hour), layoutMicros), IssuedAt: fmtTime(c.now, layoutMicros),
		Methods: []string{"password"}, Roles: []idName{{ID: "0", Name: "te_admin"}},
		User: tokenUser{ID: uuidHex("user/" + u.Domain.Name + "/" + u.Name), Name: u.Name, Domain: account},
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
		tok.Project = &tokenProject{ID: ProjectID(region), Name: region, Domain: account}
		tok.Catalog = s.catalog(c.r, region)
	case scope != nil && scope.Domain != nil && scope.Project == nil:
		if scope.Domain.Name != u.Domain.Name && scope.Domain.ID != s.opts.DomainID {
			c.fail(http.StatusUnauthorized, "", fmt.Sprintf("The user has no access to domain %q.", scope.Domain.Name+scope.Domain.ID))
			return
		}
		tok.Domain = &account
		tok.Catalog = s.catalog(c.r, "*")
	default:
		c.fail(http.StatusBadRequest, "", "The request body is invalid: auth.scope must hold one of project or domain")
		return
	}
	c.w.Header().Set("X-Subject-Token", s.opts.Token)
	c.json(http.StatusCreated, tokenAnswer{Token: tok})
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
