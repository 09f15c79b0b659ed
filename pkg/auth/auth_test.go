package auth

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
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
	a := cr.Authenticator(nil, nil)
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
	if err := cr.Authenticator(nil, nil).Authenticate(context.Background(), r, nil, Target{Scope: ScopeProject, Region: "me-east-1"}); err != nil {
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

// A login's account token serves global calls and, exchanged through IAM,
// other regions' project-scoped calls; the exchanged token is stored and
// reused until it expires, and every way of not having one is exit 3 with
// nothing sent, naming the command that gets one.
func TestRegionTokens(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	const file = "profiles:\n  default:\n    token: t-sg\n    token_expires_at: 2026-11-28T11:00:00Z\n    token_region: ap-southeast-3\n    token_account: acct\n" +
		"    domain_token: t-dom\n    domain_token_expires_at: 2026-11-28T11:00:00Z\n"
	type call struct{ domainToken, account, region string }
	var calls []call
	var stored map[string]config.RegionToken
	exchange := func(_ context.Context, dt, acct, region string) (string, time.Time, error) {
		calls = append(calls, call{dt, acct, region})
		if region == "cn-nowhere-1" {
			return "", time.Time{}, errors.New("HTTP 400: no such project")
		}
		return "t-" + region, now.Add(time.Hour), nil
	}
	store := func(m map[string]config.RegionToken) error { stored = maps.Clone(m); return nil }
	cr, err := FromConfig(load(t, file, nil))
	if err != nil {
		t.Fatal(err)
	}
	a := cr.Authenticator(func() time.Time { return now }, func(ctx context.Context, region string) (string, error) {
		return cr.RegionToken(ctx, region, now, exchange, store)
	})
	send := func(tg Target) (string, error) {
		r, _ := http.NewRequest("GET", "https://h/x", nil)
		err := a.Authenticate(context.Background(), r, nil, tg)
		return r.Header.Get("X-Auth-Token"), err
	}
	for _, c := range []struct {
		tg   Target
		want string
	}{
		{Target{Scope: ScopeProject, Region: "ap-southeast-3"}, "t-sg"},
		{Target{Scope: ScopeDomain}, "t-dom"},
		{Target{Scope: ScopeNone}, "t-sg"},
		{Target{Scope: ScopeProject, Region: "tr-west-1"}, "t-tr-west-1"},
		{Target{Scope: ScopeProject, Region: "tr-west-1"}, "t-tr-west-1"}, // stored: no second exchange
	} {
		if got, err := send(c.tg); err != nil || got != c.want {
			t.Errorf("%+v: %q %v, want %q", c.tg, got, err, c.want)
		}
	}
	if !reflect.DeepEqual(calls, []call{{"t-dom", "acct", "tr-west-1"}}) {
		t.Errorf("exchanges: %+v", calls)
	}
	if stored["tr-west-1"].Token != "t-tr-west-1" || !stored["tr-west-1"].ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Errorf("stored: %+v", stored)
	}
	// IAM refuses the exchange: exit 3, the fix named.
	if got, err := send(Target{Scope: ScopeProject, Region: "cn-nowhere-1"}); exitcode.Of(err) != exitcode.Auth || got != "" ||
		!strings.Contains(err.Error(), "no such project") || !strings.Contains(err.Error(), "run `flexusl auth login --region cn-nowhere-1`") {
		t.Errorf("refused exchange: %q %v", got, err)
	}

	// A stored region token is used until it expires, then exchanged again.
	cr, _ = FromConfig(load(t, file+`    region_tokens: '{"me-east-1":{"token":"t-old","expires_at":"2026-11-27T12:30:00Z"}}'`+"\n", nil))
	calls = nil
	if tok, err := cr.RegionToken(context.Background(), "me-east-1", now, exchange, store); err != nil || tok != "t-old" || len(calls) != 0 {
		t.Errorf("stored token: %q %v %v", tok, err, calls)
	}
	if tok, err := cr.RegionToken(context.Background(), "me-east-1", now.Add(30*time.Minute), exchange, store); err != nil || tok != "t-me-east-1" || len(calls) != 1 {
		t.Errorf("expired stored token: %q %v %v", tok, err, calls)
	}

	// No account token (a login before this release) or an expired one:
	// exit 3 naming the command, nothing exchanged.
	for name, f := range map[string]string{
		"none":    "profiles:\n  default:\n    token: t-sg\n    token_region: ap-southeast-3\n",
		"expired": strings.Replace(file, "domain_token_expires_at: 2026-11-28T11:00:00Z", "domain_token_expires_at: 2026-11-27T11:00:00Z", 1),
	} {
		cr, _ := FromConfig(load(t, f, nil))
		calls = nil
		_, err := cr.RegionToken(context.Background(), "tr-west-1", now, exchange, store)
		if exitcode.Of(err) != exitcode.Auth || !strings.Contains(err.Error(), "run `flexusl auth login --region tr-west-1`") || len(calls) != 0 {
			t.Errorf("%s: %v %v", name, err, calls)
		}
		r, _ := http.NewRequest("GET", "https://h/x", nil)
		if cr.Authenticator(func() time.Time { return now }, nil).Authenticate(context.Background(), r, nil, Target{Scope: ScopeDomain}); r.Header.Get("X-Auth-Token") != "t-sg" {
			t.Errorf("%s: a global call without a usable account token sends %q", name, r.Header.Get("X-Auth-Token"))
		}
	}

	// A region_tokens value that is not ours: exit 3, no secret quoted.
	if _, err := FromConfig(load(t, file+"    region_tokens: 'secret-ish{'\n", nil)); exitcode.Of(err) != exitcode.Auth || strings.Contains(err.Error(), "secret-ish") {
		t.Errorf("bad region_tokens: %v", err)
	}
}
