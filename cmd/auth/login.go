package authcmd

import (
	"context"
	"strings"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/login"
	"github.com/spf13/cobra"
)

// LoginResult is what `auth login` prints (no secret).
type LoginResult struct {
	Profile   string `json:"profile"`
	Region    string `json:"region"`
	ExpiresAt string `json:"expires_at"`
	Config    string `json:"config_file"`
}

// LoginOptions are the inputs of `auth login`.
type LoginOptions struct {
	Account, User string
	// PasswordStdin reads the password from stdin instead of asking.
	PasswordStdin bool
}

// NewCmdLogin is `flexusl auth login`; runF replaces the run in tests.
func NewCmdLogin(f *cmdutil.Factory, runF func(*LoginOptions) error) *cobra.Command {
	opts := &LoginOptions{}
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
			if runF != nil {
				return runF(opts)
			}
			return loginRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Account, "account", "", "account (domain) name")
	cmd.Flags().StringVar(&opts.User, "user", "", "IAM user name")
	cmd.Flags().BoolVar(&opts.PasswordStdin, "password-stdin", false, "read the password from stdin (one line, at most 1 MiB)")
	cmdutil.JSONKeys(cmd, "", LoginResult{})
	return cmd
}

// loginRun asks for what is missing (on a terminal), signs in and says
// what the profile now holds.
func loginRun(ctx context.Context, f *cmdutil.Factory, opts *LoginOptions) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	region := cfg.Get(config.KeyRegion)
	if err := cmdutil.CheckRegion(f, region, "--region"); err != nil {
		return err
	}
	account, user := opts.Account, opts.User
	prompt := f.IO.CanPrompt() && !opts.PasswordStdin
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
	case opts.PasswordStdin:
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
	res, err := login.Login(ctx, c, cfg, login.Request{Account: account, User: user, Password: password, Region: region}, f.Clock())
	if res != nil && res.DomainErr != nil {
		f.IO.Warnf("IAM gave no account-scoped token (%v): this login serves %s only; for another region run `flexusl auth login --region REGION`", res.DomainErr, region)
	}
	if err != nil {
		return err
	}
	profile, tok := res.Profile, res.Token
	switch {
	case res.SetRegion:
		f.IO.Infof("Set region %s in profile %q (it had none).", region, profile)
	case res.KeptRegion != "" && res.KeptRegion != region:
		kept := res.KeptRegion
		f.IO.Infof("Kept region %s in profile %q (not changed to %s): commands without --region act in %s; `flexusl config set region %s` changes it.", kept, profile, region, kept, region)
	}
	if res.AccessKeyWins {
		f.IO.Warnf("profile %q also holds an access key, which takes precedence: run `flexusl config set auth_mode token` to use the token", profile)
	}
	if h := auth.HiddenCredential(cfg, f.Getenv); h != "" {
		f.IO.Warnf("%s", h)
	}
	f.IO.Infof("Logged in as %s in account %s: profile %q has a token for %s until %s.", user, account, profile, region, cmdutil.TableTime(tok.ExpiresAt))
	if res.Domain != nil {
		f.IO.Infof("Commands in other regions get their region's token from IAM when they need one (with the account token, valid until %s); your password is not stored.", cmdutil.TableTime(res.Domain.ExpiresAt))
	}
	return f.Print(LoginResult{Profile: profile, Region: region, ExpiresAt: tok.ExpiresAt.Format(time.RFC3339), Config: cfg.Path}, func() ([]string, [][]string) {
		return []string{"PROFILE", "REGION", "EXPIRES AT"}, [][]string{{profile, region, cmdutil.TableTime(tok.ExpiresAt)}}
	})
}
