package auth

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/signer"
)

func load(t *testing.T, file string, env map[string]string) *config.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.yaml")
	if file != "" {
		os.WriteFile(path, []byte(file), 0o600)
	}
	c, err := config.Load(config.Inputs{Flags: map[string]string{config.KeyConfig: path}, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestModeInference(t *testing.T) {
	tests := []struct {
		name string
		file string
		env  map[string]string
		mode string
		err  string
	}{
		{"nothing", "", nil, "", "no credentials"},
		{"token env", "", map[string]string{"FLEXUSL_TOKEN": "t"}, ModeToken, ""},
		{"aksk env", "", map[string]string{"FLEXUSL_ACCESS_KEY": "a", "FLEXUSL_SECRET_KEY": "s"}, ModeAKSK, ""},
		{"both: aksk", "", map[string]string{"FLEXUSL_TOKEN": "t", "FLEXUSL_ACCESS_KEY": "a", "FLEXUSL_SECRET_KEY": "s"}, ModeAKSK, ""},
		{"both, mode token", "", map[string]string{"FLEXUSL_TOKEN": "t", "FLEXUSL_ACCESS_KEY": "a", "FLEXUSL_SECRET_KEY": "s", "FLEXUSL_AUTH_MODE": "token"}, ModeToken, ""},
		{"aksk without secret", "", map[string]string{"FLEXUSL_ACCESS_KEY": "a"}, "", "secret_key (FLEXUSL_SECRET_KEY) is not set"},
		{"mode token without token", "profiles:\n  default:\n    auth_mode: token\n", nil, "", "no token is set"},
		{"profile token", "profiles:\n  default:\n    token: t\n    token_expires_at: 2030-01-01T00:00:00Z\n    token_region: tr-west-1\n", nil, ModeToken, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cr, err := FromConfig(load(t, tt.file, tt.env))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || exitcode.Of(err) != exitcode.Auth {
					t.Fatalf("err %v (exit %d), want %q exit 3", err, exitcode.Of(err), tt.err)
				}
				return
			}
			if err != nil || cr.Mode != tt.mode {
				t.Fatalf("%v %v", cr, err)
			}
			if strings.Contains(cr.String(), "t ") || strings.Contains(cr.String(), " s") {
				t.Errorf("String shows a secret: %s", cr)
			}
		})
	}
}

func TestCheckExpiryAndRegion(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	cr, _ := FromConfig(load(t, "profiles:\n  default:\n    token: t\n    token_expires_at: 2026-11-27T11:00:00Z\n    token_region: tr-west-1\n", nil))
	if err := cr.Check(now); exitcode.Of(err) != exitcode.Auth || !strings.Contains(err.Error(), "flexusl auth login") {
		t.Errorf("expired: %v", err)
	}
	// A stored token scoped to another region is refused for a project-scoped
	// call there, before sending; global calls and its own region pass.
	cr, _ = FromConfig(load(t, "profiles:\n  default:\n    token: t\n    token_expires_at: 2026-11-27T13:00:00Z\n    token_region: tr-west-1\n", nil))
	if err := cr.Check(now); err != nil {
		t.Fatal(err)
	}
	a := cr.Authenticator(nil)
	r, _ := http.NewRequest("GET", "https://h/x", nil)
	err := a.Authenticate(context.Background(), r, nil, Target{Scope: ScopeProject, Region: "me-east-1"})
	if exitcode.Of(err) != exitcode.Auth || !strings.Contains(err.Error(), "auth login --region me-east-1") || r.Header.Get("X-Auth-Token") != "" {
		t.Errorf("other region: %v %v", err, r.Header)
	}
	for _, tg := range []Target{{Scope: ScopeProject, Region: "tr-west-1"}, {Scope: ScopeDomain}} {
		r, _ := http.NewRequest("GET", "https://h/x", nil)
		if err := a.Authenticate(context.Background(), r, nil, tg); err != nil || r.Header.Get("X-Auth-Token") != "t" {
			t.Errorf("%+v: %v", tg, err)
		}
	}
	// A token from the environment has no stored expiry or region to judge.
	cr, _ = FromConfig(load(t, "profiles:\n  default:\n    token_expires_at: 2020-01-01T00:00:00Z\n    token_region: tr-west-1\n", map[string]string{"FLEXUSL_TOKEN": "env"}))
	if err := cr.Check(now); err != nil {
		t.Errorf("env token judged by the profile's expiry: %v", err)
	}
	r, _ = http.NewRequest("GET", "https://h/x", nil)
	if err := cr.Authenticator(nil).Authenticate(context.Background(), r, nil, Target{Scope: ScopeProject, Region: "me-east-1"}); err != nil {
		t.Errorf("env token judged by the profile's region: %v", err)
	}
}

func TestAKSKScopesAndSignature(t *testing.T) {
	a := AKSK{AccessKey: "AK", SecretKey: "SK", SecurityToken: "st", Now: func() time.Time { return time.Unix(0, 0) }}
	for scope, hdr := range map[Scope]string{ScopeProject: "X-Project-Id", ScopeDomain: "X-Domain-Id"} {
		r, _ := http.NewRequest("GET", "https://h/x", nil)
		if err := a.Authenticate(context.Background(), r, nil, Target{Scope: scope, ProjectID: "p", DomainID: "d"}); err != nil {
			t.Fatal(err)
		}
		if want := map[Scope]string{ScopeProject: "p", ScopeDomain: "d"}[scope]; r.Header.Get(hdr) != want || r.Header.Get("X-Security-Token") != "st" || !strings.HasPrefix(r.Header.Get("Authorization"), signer.Algorithm+" Access=AK") {
			t.Errorf("%s: %v", hdr, r.Header)
		}
		if _, err := signer.Verify(r, nil, func(string) (string, bool) { return "SK", true }, time.Unix(0, 0), time.Minute); err != nil {
			t.Errorf("own signature: %v", err)
		}
	}
	r, _ := http.NewRequest("GET", "https://h/x", nil)
	if err := a.Authenticate(context.Background(), r, nil, Target{Scope: ScopeProject, Region: "tr-west-1"}); err == nil || !strings.Contains(err.Error(), "project ID of region \"tr-west-1\"") {
		t.Errorf("AK/SK without a project ID: %v", err)
	}
	r, _ = http.NewRequest("GET", "https://h/x", nil)
	if err := (Token{Value: "tok"}).Authenticate(context.Background(), r, nil, Target{Scope: ScopeProject}); err != nil || r.Header.Get("X-Auth-Token") != "tok" {
		t.Errorf("token: %v %v", err, r.Header)
	}
}
