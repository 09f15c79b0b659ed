// Package authcmd holds `flexusl auth`.
package authcmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
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
	cmd.AddCommand(NewCmdLogin(f, nil), NewCmdStatus(f, nil))
	cmd.AddCommand(cmdutil.NoResult(NewCmdLogout(f, nil))...)
	return cmdutil.GroupCommand(cmd)
}
