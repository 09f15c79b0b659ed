package authcmd

import (
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/spf13/cobra"
)

// storedCredentialKeys are what auth logout removes from the profile.
var storedCredentialKeys = []string{
	config.KeyToken, config.KeyTokenExpiresAt, config.KeyTokenRegion, config.KeyTokenAccount, config.KeyTokenUser,
	config.KeyDomainToken, config.KeyDomainTokenExp, config.KeyRegionTokens,
	config.KeyAccessKey, config.KeySecretKey, config.KeySecurityToken,
}

// LogoutOptions are the inputs of `auth logout` (none of its own).
type LogoutOptions struct{}

// NewCmdLogout is `flexusl auth logout`; runF replaces the run in tests.
func NewCmdLogout(f *cmdutil.Factory, runF func(*LogoutOptions) error) *cobra.Command {
	opts := &LogoutOptions{}
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
			if runF != nil {
				return runF(opts)
			}
			return logoutRun(f)
		},
	}
}

// logoutRun removes the stored credentials and says which are still set
// in the environment.
func logoutRun(f *cmdutil.Factory) error {
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
}
