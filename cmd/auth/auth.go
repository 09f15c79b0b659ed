// Package authcmd holds `flexusl auth`.
package authcmd

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/spf13/cobra"
)

// Short is `flexusl auth`'s one-line help: root help lists it from
// here without building the command.
const Short = "Get a token, and see which credentials a profile uses"

// NewCmdAuth is `flexusl auth`.
func NewCmdAuth(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Short: Short,
		Long: `Credentials, per profile, in one of two modes (auth_mode, inferred when only
one set is present; AK/SK when both are):

  token  an IAM token sent as X-Auth-Token: "flexusl auth login" stores one
         (with its expiry and region), or FLEXUSL_TOKEN gives one. Tokens last
         24 hours and are scoped to one region; after a login, a command in
         another region gets that region's token from IAM by itself (with the
         stored account token, never a password) and stores it. A token from
         FLEXUSL_TOKEN is sent as it is, for any region.
  aksk   an access key pair; requests are signed (SDK-HMAC-SHA256). Keys come
         from the profile or FLEXUSL_ACCESS_KEY / FLEXUSL_SECRET_KEY (or the
         SDK's HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK). The project ID of the
         region and the account's domain ID are looked up through IAM when not set.

Environment variables (FLEXUSL_TOKEN, FLEXUSL_ACCESS_KEY, ...) win over the
profile's stored credentials; "auth status" and "auth login" say when one
hides a stored credential. Secrets are never taken as flags, never printed,
and masked in --debug.`,
	}
	cmd.Example = `  flexusl auth login --region ap-southeast-3
  flexusl auth status -o json
  flexusl auth logout`
	cmd.AddCommand(newCmdLogin(f), newCmdStatus(f))
	cmd.AddCommand(cmdutil.NoResult(newCmdLogout(f))...)
	return cmdutil.GroupCommand(cmd)
}

// LoginResult is what `auth login` prints (no secret).
type LoginResult struct {
	Profile   string `json:"profile"`
	Region    string `json:"region"`
	ExpiresAt string `json:"expires_at"`
	Config    string `json:"config_file"`
}

func newCmdLogin(f *cmdutil.Factory) *cobra.Command {
	var account, user string
	var passwordStdin bool
	cmd := &cobra.Command{
		Use:        "login [--account NAME] [--user NAME] [--password-stdin]",
		SuggestFor: []string{"signin"},
		Short:      "Get tokens from IAM and store them in the profile",
		Long: `Sign in to IAM with the password method and store, in the profile (the
config file is written 0600, in a 0700 directory):

  - a token scoped to the region's project (token, token_expires_at,
    token_region, token_account, token_user);
  - a token scoped to the account (domain_token, domain_token_expires_at),
    sent to global services (orders, listings). When a command acts in
    another region, flexusl exchanges it through IAM (token method) for that
    region's token and stores it (region_tokens) until it expires: one login
    serves every region for 24 hours. The password is never stored.

The region is --region, else FLEXUSL_REGION, else the profile's. A profile
without a region gets the --region one (said on stderr); a profile's region
is never changed (login says which it kept). Tokens of other regions from
an earlier login of the same user stay until they expire.

On a terminal it asks for what is missing, the password without echo;
without a terminal it needs --account, --user and --password-stdin, and
never prompts.`,
		Example: `  flexusl auth login --region ap-southeast-3
  printf '%s\n' "$HW_PASSWORD" | flexusl auth login --account myaccount --user ci --password-stdin
  flexusl instance list --region tr-west-1   # gets a tr-west-1 token when it needs one`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			region := cfg.Get(config.KeyRegion)
			if err := cmdutil.CheckRegion(f, region, "--region"); err != nil {
				return err
			}
			prompt := f.IO.CanPrompt() && !passwordStdin
			ask := func(v *string, q string) error {
				if *v != "" {
					return nil
				}
				if !prompt {
					return cmdutil.UsageErrorf("%s is required without a terminal (pass --%s)", q, strings.ToLower(strings.Fields(q)[0]))
				}
				s, err := f.IO.Input(q, "")
				*v = s
				return err
			}
			if err := ask(&account, "Account name"); err != nil {
				return err
			}
			if err := ask(&user, "User name"); err != nil {
				return err
			}
			var password string
			switch {
			case passwordStdin:
				if password, err = f.IO.ReadSecretLine(); err != nil {
					return cmdutil.UsageErrorf("--password-stdin: %s (nothing was sent)", cmdutil.StdinProblem(err))
				}
			case prompt:
				password, err = f.IO.Password("Password")
			default:
				return cmdutil.UsageErrorf("no terminal to ask for the password: pass --password-stdin and write it to stdin")
			}
			if err != nil {
				return err
			}
			if password == "" {
				return cmdutil.UsageErrorf("the password is empty")
			}
			c, err := f.BareClient()
			if err != nil {
				return err
			}
			tok, err := c.IssueToken(cmd.Context(), account, user, password, region)
			if err != nil {
				return loginError(err)
			}
			dom, err := c.IssueDomainToken(cmd.Context(), account, user, password)
			if err != nil {
				f.IO.Warnf("IAM gave no account-scoped token (%v): this login serves %s only; for another region run `flexusl auth login --region REGION`", err, region)
				dom = nil
			}
			profile := cfg.Profile()
			prev := cfg.File.Profiles[profile] // what the profile held before this login
			keep := keptRegionTokens(prev, account, user, region, f.Clock())
			set := map[string]string{config.KeyToken: tok.Value, config.KeyTokenExpiresAt: tok.ExpiresAt.Format(time.RFC3339), config.KeyTokenRegion: tok.Region,
				config.KeyTokenAccount: account, config.KeyTokenUser: user}
			if dom != nil {
				set[config.KeyDomainToken], set[config.KeyDomainTokenExp] = dom.Value, dom.ExpiresAt.Format(time.RFC3339)
			}
			if len(keep) > 0 {
				set[config.KeyRegionTokens] = config.FormatRegionTokens(keep)
			}
			for k, v := range set {
				if err := cfg.SetInFile(profile, k, v); err != nil {
					return err
				}
			}
			for _, k := range []string{config.KeyDomainToken, config.KeyDomainTokenExp, config.KeyRegionTokens} {
				if _, ok := set[k]; !ok {
					if err := cfg.UnsetInFile(profile, k); err != nil {
						return err
					}
				}
			}
			// --region fills a profile without a region; a region from the
			// environment stays there (it already applies to every run).
			kept := prev[config.KeyRegion]
			_, regionSrc := cfg.Resolve(config.KeyRegion)
			setRegion := kept == "" && regionSrc == config.SourceFlag
			if setRegion {
				if err := cfg.SetInFile(profile, config.KeyRegion, region); err != nil {
					return err
				}
			}
			if err := cfg.Save(); err != nil {
				return err
			}
			switch {
			case setRegion:
				f.IO.Infof("Set region %s in profile %q (it had none).", region, profile)
			case kept != "" && kept != region:
				f.IO.Infof("Kept region %s in profile %q (not changed to %s): commands without --region act in %s; `flexusl config set region %s` changes it.", kept, profile, region, kept, region)
			}
			if p := cfg.File.Profiles[profile]; p[config.KeyAccessKey] != "" && p[config.KeyAuthMode] != auth.ModeToken {
				f.IO.Warnf("profile %q also holds an access key, which takes precedence: run `flexusl config set auth_mode token` to use the token", profile)
			}
			if h := hiddenCredential(f, cfg); h != "" {
				f.IO.Warnf("%s", h)
			}
			f.IO.Infof("Logged in as %s in account %s: profile %q has a token for %s until %s.", user, account, profile, region, cmdutil.TableTime(tok.ExpiresAt))
			if dom != nil {
				f.IO.Infof("Commands in other regions get their region's token from IAM when they need one (with the account token, valid until %s); your password is not stored.", cmdutil.TableTime(dom.ExpiresAt))
			}
			return f.Print(LoginResult{Profile: profile, Region: region, ExpiresAt: tok.ExpiresAt.Format(time.RFC3339), Config: cfg.Path}, func() ([]string, [][]string) {
				return []string{"PROFILE", "REGION", "EXPIRES AT"}, [][]string{{profile, region, cmdutil.TableTime(tok.ExpiresAt)}}
			})
		},
	}
	cmd.Flags().StringVar(&account, "account", "", "account (domain) name")
	cmd.Flags().StringVar(&user, "user", "", "IAM user name")
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from stdin (one line, at most 1 MiB)")
	cmdutil.JSONKeys(cmd, "", LoginResult{})
	return cmd
}

// keptRegionTokens are the region tokens a new login keeps from the
// profile: those of the same account and user that have not expired,
// including the token the login replaces when it was for another region.
// The login's own region is left out (it has the new token).
func keptRegionTokens(prev map[string]string, account, user, region string, now time.Time) map[string]config.RegionToken {
	if prev[config.KeyTokenAccount] != account || prev[config.KeyTokenUser] != user {
		return nil
	}
	out, err := config.ParseRegionTokens(prev[config.KeyRegionTokens])
	if err != nil {
		out = map[string]config.RegionToken{}
	}
	if r, t := prev[config.KeyTokenRegion], prev[config.KeyToken]; r != "" && t != "" {
		if exp, err := time.Parse(time.RFC3339, prev[config.KeyTokenExpiresAt]); err == nil {
			out[r] = config.RegionToken{Token: t, ExpiresAt: exp}
		}
	}
	for r, t := range out {
		if r == region || !now.Before(t.ExpiresAt) {
			delete(out, r)
		}
	}
	return out
}

// loginError words IAM's refusal of the password as what it is: wrong
// account, user or password (the API's generic 401 hint says to run auth
// login, which is what just failed). Other errors pass unchanged.
func loginError(err error) error {
	var ae *api.Error
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized {
		return err
	}
	msg := "IAM refused the sign-in (HTTP 401"
	if ae.Code != "" {
		msg += " " + ae.Code
	}
	msg += ")"
	if ae.Message != "" {
		msg += ": " + ae.Message
	}
	if ae.RequestID != "" {
		msg += " (request_id " + ae.RequestID + ")"
	}
	return exitcode.Errorf(exitcode.Auth, "%s\nHint: check the account name (the account that owns the IAM user), the user name and the password; "+
		"a user that must sign in with MFA, or a locked one, cannot get a token this way: use an access key instead (flexusl config set access_key -)", msg)
}

// hiddenCredential says when the environment hides a credential stored in
// the profile (FLEXUSL_TOKEN over a stored token, an access key in the
// environment over a stored token, ...), else "".
func hiddenCredential(f *cmdutil.Factory, cfg *config.Config) string {
	fileOnly, err := config.Load(config.Inputs{Flags: map[string]string{config.KeyConfig: cfg.Path, config.KeyProfile: cfg.Profile()}, Getenv: func(string) string { return "" }})
	if err != nil {
		return ""
	}
	stored, err := auth.FromConfig(fileOnly)
	if err != nil {
		return "" // nothing usable stored
	}
	fromEnv := func(key string) bool { _, src := cfg.Resolve(key); return src == config.SourceEnv }
	var vars []string
	for _, k := range []string{config.KeyAuthMode, config.KeyToken, config.KeyAccessKey, config.KeySecretKey} {
		if !fromEnv(k) {
			continue
		}
		o, _ := config.Lookup(k)
		for _, e := range o.Env {
			if f.Getenv(e) != "" {
				vars = append(vars, e)
				break
			}
		}
	}
	if len(vars) == 0 {
		return ""
	}
	used, err := auth.FromConfig(cfg)
	hidden := err != nil || used.Mode != stored.Mode ||
		(used.Mode == auth.ModeToken && fromEnv(config.KeyToken)) ||
		(used.Mode == auth.ModeAKSK && fromEnv(config.KeyAccessKey))
	if !hidden {
		return ""
	}
	what := "token"
	if stored.Mode == auth.ModeAKSK {
		what = "access key"
	}
	set := strings.Join(vars, " and ") + " is set"
	if len(vars) > 1 {
		set = strings.Join(vars, " and ") + " are set"
	}
	return fmt.Sprintf("the %s stored in profile %q is not used: %s in the environment, which wins over the profile (unset %s to use the stored %s)",
		what, cfg.Profile(), set, strings.Join(vars, " and "), what)
}

// Status is what `auth status` prints.
type Status struct {
	Profile          string `json:"profile"`
	AuthMode         string `json:"auth_mode"`
	Region           string `json:"region"`
	Account          string `json:"account"`
	User             string `json:"user"`
	Credential       string `json:"credential"`
	CredentialSource string `json:"credential_source"`
	HiddenCredential string `json:"hidden_credential"`
	TokenExpiresAt   string `json:"token_expires_at"`
	TokenExpiresIn   string `json:"token_expires_in"`
	TokenRegion      string `json:"token_region"`
	// Tokens are the stored tokens per region (token_region's first).
	Tokens []RegionToken `json:"tokens"`
	// AccountTokenExpiresAt is when the stored account-scoped token (the
	// one other regions' tokens are got with) expires.
	AccountTokenExpiresAt string `json:"account_token_expires_at"`
	ProjectID             string `json:"project_id"`
	DomainID              string `json:"domain_id"`
}

// RegionToken is one region's stored token in `auth status` (no secret).
type RegionToken struct {
	Region    string `json:"region"`
	ExpiresAt string `json:"expires_at"`
	ExpiresIn string `json:"expires_in"`
}

// expiresIn is how long until t, rounded to the minute, or "expired".
func expiresIn(t, now time.Time) string {
	left := t.Sub(now).Round(time.Minute)
	if left <= 0 {
		return "expired"
	}
	return left.String()
}

func newCmdStatus(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:        "status",
		SuggestFor: []string{"whoami"},
		Short:      "Show the profile's credentials, masked (exit 3 when none or expired)",
		Long: `Show the credentials the profile uses, masked: the mode, where the credential
comes from, and for tokens "auth login" stored, which regions have a token and
when each expires ("tokens" in JSON), and when the account token that gets the
other regions' tokens expires. Exit 3 when there are none, or when the
login region's token has expired.`,
		Example: `  flexusl auth status
  flexusl auth status --profile ci -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			cr, err := f.Credentials()
			if err != nil {
				return err
			}
			st := Status{Profile: cfg.Profile(), AuthMode: cr.Mode, Region: cfg.Get(config.KeyRegion), Credential: cr.Masked(), ProjectID: cr.ProjectID, DomainID: cr.DomainID}
			var expired error
			st.HiddenCredential = hiddenCredential(f, cfg)
			if cr.Mode == auth.ModeToken {
				st.CredentialSource = string(cr.TokenSource)
				st.TokenRegion = cr.TokenRegion
				if cr.TokenSource == config.SourceProfile {
					st.Account, st.User = cfg.Get(config.KeyTokenAccount), cfg.Get(config.KeyTokenUser)
					now := f.Clock()
					if cr.TokenRegion != "" && !cr.TokenExpiresAt.IsZero() {
						st.Tokens = append(st.Tokens, RegionToken{cr.TokenRegion, cr.TokenExpiresAt.Format(time.RFC3339), expiresIn(cr.TokenExpiresAt, now)})
					}
					for _, r := range config.RegionTokenRegions(cr.RegionTokens) {
						t := cr.RegionTokens[r]
						st.Tokens = append(st.Tokens, RegionToken{r, t.ExpiresAt.Format(time.RFC3339), expiresIn(t.ExpiresAt, now)})
					}
					if cr.DomainToken != "" {
						st.AccountTokenExpiresAt = cr.DomainTokenExpiresAt.Format(time.RFC3339)
					}
				}
				if !cr.TokenExpiresAt.IsZero() {
					st.TokenExpiresAt = cr.TokenExpiresAt.Format(time.RFC3339)
					left := cr.TokenExpiresAt.Sub(f.Clock()).Round(time.Minute)
					if left <= 0 {
						st.TokenExpiresIn = "expired"
						expired = exitcode.Errorf(exitcode.Auth, "the stored token expired at %s: run `flexusl auth login`", st.TokenExpiresAt)
					} else {
						st.TokenExpiresIn = left.String()
					}
				}
			} else {
				_, src := cfg.Resolve(config.KeyAccessKey)
				st.CredentialSource = string(src)
			}
			if err := f.Print(st, func() ([]string, [][]string) {
				rows := [][]string{{"profile", st.Profile}, {"auth mode", st.AuthMode}, {"region", cmdutil.Dash(st.Region)}}
				if st.Account != "" || st.User != "" {
					rows = append(rows, []string{"account", cmdutil.Dash(st.Account)}, []string{"user", cmdutil.Dash(st.User)})
				}
				rows = append(rows, []string{"credential", fmt.Sprintf("%s (from %s)", st.Credential, st.CredentialSource)})
				if st.HiddenCredential != "" {
					rows = append(rows, []string{"not used", st.HiddenCredential})
				}
				if st.TokenExpiresAt != "" {
					rows = append(rows, []string{"token expires", fmt.Sprintf("%s (%s)", cmdutil.TableTimeString(st.TokenExpiresAt), st.TokenExpiresIn)})
				}
				if st.TokenRegion != "" {
					rows = append(rows, []string{"token region", st.TokenRegion})
				}
				for _, t := range st.Tokens {
					rows = append(rows, []string{"token for " + t.Region, fmt.Sprintf("until %s (%s)", cmdutil.TableTimeString(t.ExpiresAt), t.ExpiresIn)})
				}
				if st.AccountTokenExpiresAt != "" {
					rows = append(rows, []string{"account token", fmt.Sprintf("until %s (%s); other regions' tokens are got with it", cmdutil.TableTimeString(st.AccountTokenExpiresAt), expiresIn(cr.DomainTokenExpiresAt, f.Clock()))})
				}
				rows = append(rows, []string{"project id", cmdutil.Dash(st.ProjectID)}, []string{"domain id", cmdutil.Dash(st.DomainID)})
				return []string{"KEY", "VALUE"}, rows
			}); err != nil {
				return err
			}
			return expired
		},
	}
	cmdutil.JSONKeys(cmd, "", Status{})
	return cmd
}

// storedCredentialKeys are what auth logout removes from the profile.
var storedCredentialKeys = []string{
	config.KeyToken, config.KeyTokenExpiresAt, config.KeyTokenRegion, config.KeyTokenAccount, config.KeyTokenUser,
	config.KeyDomainToken, config.KeyDomainTokenExp, config.KeyRegionTokens,
	config.KeyAccessKey, config.KeySecretKey, config.KeySecurityToken,
}

func newCmdLogout(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Remove the profile's stored credentials (token, access key pair)",
		Long: `Remove the credentials stored in the profile in use: the token with its
expiry, region, account and user, the account token and every region's
token, and the access key pair with its security token. Other settings (region, endpoints, project_id, ...) stay. The tokens
themselves stay valid at IAM until they expire (24 hours at most).

Credentials from the environment (FLEXUSL_TOKEN, FLEXUSL_ACCESS_KEY, ...)
are not touched; logout says when one is still set.`,
		Example: `  flexusl auth logout
  flexusl auth logout --profile ci`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			if err := cfg.CheckProfile(); err != nil {
				return cmdutil.UsageError(err)
			}
			profile := cfg.Profile()
			p := cfg.File.Profiles[profile]
			var removed []string
			for _, k := range storedCredentialKeys {
				if p[k] != "" {
					removed = append(removed, k)
				}
				if _, ok := p[k]; ok {
					if err := cfg.UnsetInFile(profile, k); err != nil {
						return err
					}
				}
			}
			if len(removed) == 0 {
				f.IO.Infof("Profile %q holds no stored credentials; nothing to remove.", profile)
			} else {
				if err := cfg.Save(); err != nil {
					return err
				}
				f.IO.Infof("Logged out: removed %s from profile %q (%s).", strings.Join(removed, ", "), profile, cfg.Path)
			}
			var still []string
			for _, k := range []string{config.KeyToken, config.KeyAccessKey, config.KeySecretKey} {
				o, _ := config.Lookup(k)
				for _, e := range o.Env {
					if f.Getenv(e) != "" {
						still = append(still, e)
					}
				}
			}
			if len(still) > 0 {
				f.IO.Warnf("still set in the environment, and used by every command: %s", strings.Join(still, ", "))
			}
			return nil
		},
	}
}
