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
	if _, err := cr.Check(now, "tr-west-1"); exitcode.Of(err) != exitcode.Auth || !strings.Contains(err.Error(), "flexusl auth login") {
		t.Errorf("expired: %v", err)
	}
	cr, _ = FromConfig(load(t, "profiles:\n  default:\n    token: t\n    token_expires_at: 2026-11-27T13:00:00Z\n    token_region: tr-west-1\n", nil))
	w, err := cr.Check(now, "me-east-1")
	if err != nil || len(w) != 1 || !strings.Contains(w[0], "scoped to tr-west-1") {
		t.Errorf("region: %v %v", w, err)
	}
	// A token from the environment has no stored expiry or region to judge.
	cr, _ = FromConfig(load(t, "profiles:\n  default:\n    token_expires_at: 2020-01-01T00:00:00Z\n    token_region: tr-west-1\n", map[string]string{"FLEXUSL_TOKEN": "env"}))
	if w, err := cr.Check(now, "me-east-1"); err != nil || len(w) != 0 {
		t.Errorf("env token judged by the profile's expiry: %v %v", w, err)
	}
}

func TestAKSKScopesAndSignature(t *testing.T) {
	a := AKSK{AccessKey: "AK", SecretKey: "SK", SecurityToken: "st", ProjectID: "p", DomainID: "d", Now: func() time.Time { return time.Unix(0, 0) }}
	for scope, hdr := range map[Scope]string{ScopeProject: "X-Project-Id", ScopeDomain: "X-Domain-Id"} {
		r, _ := http.NewRequest("GET", "https://h/x", nil)
		if err := a.Authenticate(context.Background(), r, nil, scope); err != nil {
			t.Fatal(err)
		}
		if r.Header.Get(hdr) == "" || r.Header.Get("X-Security-Token") != "st" || !strings.HasPrefix(r.Header.Get("Authorization"), signer.Algorithm+" Access=AK") {
			t.Errorf("%s: %v", hdr, r.Header)
		}
		if _, err := signer.Verify(r, nil, func(string) (string, bool) { return "SK", true }, time.Unix(0, 0), time.Minute); err != nil {
			t.Errorf("own signature: %v", err)
		}
	}
	r, _ := http.NewRequest("GET", "https://h/x", nil)
	if err := (Token{Value: "tok"}).Authenticate(context.Background(), r, nil, ScopeProject); err != nil || r.Header.Get("X-Auth-Token") != "tok" {
		t.Errorf("token: %v %v", err, r.Header)
	}
}
