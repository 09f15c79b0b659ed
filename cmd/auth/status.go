package authcmd

import (
	"fmt"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/spf13/cobra"
)

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

// StatusOptions are the inputs of `auth status` (none of its own).
type StatusOptions struct{}

// NewCmdStatus is `flexusl auth status`; runF replaces the run in tests.
func NewCmdStatus(f *cmdutil.Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{}
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
			if runF != nil {
				return runF(opts)
			}
			return statusRun(f)
		},
	}
	cmdutil.JSONKeys(cmd, "", Status{})
	return cmd
}

// statusRun prints the credentials in use, masked; an expired login
// token exits 3 after the status is printed.
func statusRun(f *cmdutil.Factory) error {
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
	st.HiddenCredential = auth.HiddenCredential(cfg, f.Getenv)
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
}
