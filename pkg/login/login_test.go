package login_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/login"
)

var now = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

// iam answers token requests with fixed tokens, or errors.
type iam struct {
	tokErr, domErr error
	asked          []string
}

func (i *iam) IssueToken(_ context.Context, account, user, password, region string) (*api.IssuedToken, error) {
	i.asked = append(i.asked, "token "+account+"/"+user+"/"+password+"/"+region)
	if i.tokErr != nil {
		return nil, i.tokErr
	}
	return &api.IssuedToken{Value: "tok-" + region, ExpiresAt: now.Add(24 * time.Hour), Region: region}, nil
}

func (i *iam) IssueDomainToken(_ context.Context, account, user, password string) (*api.IssuedToken, error) {
	i.asked = append(i.asked, "domain "+account+"/"+user+"/"+password)
	if i.domErr != nil {
		return nil, i.domErr
	}
	return &api.IssuedToken{Value: "dom-tok", ExpiresAt: now.Add(24 * time.Hour)}, nil
}

// load loads the config at path with flags (key -> value) set.
func load(t *testing.T, path string, flags map[string]string) *config.Config {
	t.Helper()
	fl := map[string]string{config.KeyConfig: path}
	for k, v := range flags {
		fl[k] = v
	}
	cfg, err := config.Load(config.Inputs{Flags: fl, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestLoginStoresTokensNotThePassword(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	i := &iam{}
	res, err := login.Login(context.Background(), i, load(t, path, map[string]string{config.KeyRegion: "ap-southeast-3"}),
		login.Request{Account: "acct", User: "u", Password: "pw-SECRET", Region: "ap-southeast-3"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if !res.SetRegion || res.KeptRegion != "" || res.Domain == nil || res.DomainErr != nil || res.AccessKeyWins || res.Profile != "default" {
		t.Errorf("%+v", res)
	}
	if strings.Join(i.asked, ";") != "token acct/u/pw-SECRET/ap-southeast-3;domain acct/u/pw-SECRET" {
		t.Errorf("asked %q", i.asked)
	}
	p := load(t, path, nil).File.Profiles["default"]
	if p[config.KeyToken] != "tok-ap-southeast-3" || p[config.KeyDomainToken] != "dom-tok" || p[config.KeyRegion] != "ap-southeast-3" ||
		p[config.KeyTokenAccount] != "acct" || p[config.KeyTokenUser] != "u" || p[config.KeyTokenRegion] != "ap-southeast-3" ||
		p[config.KeyTokenExpiresAt] != "2026-12-05T12:00:00Z" {
		t.Errorf("profile %v", p)
	}
	for k, v := range p {
		if strings.Contains(v, "pw-SECRET") {
			t.Errorf("the password is stored under %s", k)
		}
	}

	// A second login, of the same user in another region, keeps the
	// first region's token; the profile's region is not changed; without
	// an account token the old one is removed.
	i = &iam{domErr: errors.New("no domain token")}
	res, err = login.Login(context.Background(), i, load(t, path, map[string]string{config.KeyRegion: "tr-west-1"}),
		login.Request{Account: "acct", User: "u", Password: "pw", Region: "tr-west-1"}, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if res.SetRegion || res.KeptRegion != "ap-southeast-3" || res.Domain != nil || res.DomainErr == nil {
		t.Errorf("%+v", res)
	}
	p = load(t, path, nil).File.Profiles["default"]
	if p[config.KeyRegion] != "ap-southeast-3" || p[config.KeyToken] != "tok-tr-west-1" || p[config.KeyDomainToken] != "" ||
		!strings.Contains(p[config.KeyRegionTokens], "tok-ap-southeast-3") {
		t.Errorf("profile %v", p)
	}
}

// A refused password is an auth error (exit 3) that says what to check;
// nothing is written.
func TestLoginRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	i := &iam{tokErr: &api.Error{StatusCode: 401, Code: "IAM.0001", Message: "wrong", RequestID: "r-1"}}
	_, err := login.Login(context.Background(), i, load(t, path, nil), login.Request{Account: "a", User: "u", Password: "p", Region: "ap-southeast-3"}, now)
	if exitcode.Of(err) != exitcode.Auth || !strings.HasPrefix(err.Error(), "IAM refused the sign-in (HTTP 401 IAM.0001): wrong (request_id r-1)\nHint: check the account name") {
		t.Errorf("exit %d: %v", exitcode.Of(err), err)
	}
	if len(i.asked) != 1 || len(load(t, path, nil).File.Profiles) != 0 {
		t.Errorf("asked %q, profiles %v", i.asked, load(t, path, nil).File.Profiles)
	}
	// Other errors pass unchanged.
	other := &api.Error{StatusCode: 500, Code: "X"}
	i = &iam{tokErr: other}
	if _, err := login.Login(context.Background(), i, load(t, path, nil), login.Request{Region: "ap-southeast-3"}, now); err != other {
		t.Errorf("%v", err)
	}
}

func TestKeptRegionTokens(t *testing.T) {
	prev := map[string]string{
		config.KeyTokenAccount: "acct", config.KeyTokenUser: "u",
		config.KeyToken: "old", config.KeyTokenRegion: "ap-southeast-3", config.KeyTokenExpiresAt: now.Add(time.Hour).Format(time.RFC3339),
		config.KeyRegionTokens: config.FormatRegionTokens(map[string]config.RegionToken{
			"tr-west-1":   {Token: "tr", ExpiresAt: now.Add(time.Hour)},
			"sa-brazil-1": {Token: "sa", ExpiresAt: now.Add(-time.Minute)},
		}),
	}
	for _, tt := range []struct {
		name, account, user, region string
		want                        string
	}{
		{"same user elsewhere keeps the replaced token and unexpired ones", "acct", "u", "me-east-1", "ap-southeast-3,tr-west-1"},
		{"the login's own region is left out", "acct", "u", "tr-west-1", "ap-southeast-3"},
		{"another user keeps nothing", "acct", "v", "me-east-1", ""},
		{"another account keeps nothing", "other", "u", "me-east-1", ""},
	} {
		got := login.KeptRegionTokens(prev, tt.account, tt.user, tt.region, now)
		if s := strings.Join(config.RegionTokenRegions(got), ","); s != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, s, tt.want)
		}
	}
}
