// Package configcmd holds `flexusl config`.
package configcmd

import (
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/spf13/cobra"
)

// Short is `flexusl config`'s one-line help: root help lists it from
// here without building the command.
const Short = "Read and change profiles in the config file"

// NewCmdConfig is `flexusl config`.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: Short,
		Long: `Read and change the config file's profiles. Commands act on the profile
in use: --profile, else FLEXUSL_PROFILE, else the file's active_profile,
else "default". "set" creates the file and the profile when they do not
exist. The file is written atomically with mode 0600 in a 0700 directory;
values given by flags or the environment are never written to it.

Secrets (token, access_key, secret_key, security_token) are masked
wherever they are shown, and never taken on the command line: "config set
KEY -" reads the value from stdin, and on a terminal leaving the value out
asks for it without echo.`,
	}
	cmd.Long += "\n\n" + config.Reference()
	cmd.Example = `  flexusl config set region ap-southeast-3
  flexusl config list
  flexusl help config`
	// get and path print a bare value, the others only change the file.
	cmd.AddCommand(NewCmdList(f, nil), NewCmdProfiles(f, nil))
	cmd.AddCommand(cmdutil.NoResult(NewCmdGet(f, nil), NewCmdSet(f, nil), NewCmdUnset(f, nil), NewCmdUse(f, nil), NewCmdDelete(f, nil), NewCmdPath(f, nil), NewCmdInit(f, nil))...)
	return cmdutil.GroupCommand(cmd)
}

func completeKeys(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, o := range config.Options() {
		if o.InFile && strings.HasPrefix(o.Key, prefix) {
			out = append(out, cobra.CompletionWithDesc(o.Key, o.Usage))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
