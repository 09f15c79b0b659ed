// Package instancecmd holds `flexusl instance`.
package instancecmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/spf13/cobra"
)

// Short is `flexusl instance`'s one-line help: root help lists it from
// here without building the command.
const Short = "Buy, list and show FlexusL instances, log in, operate their servers, renew and unsubscribe them"

// NewCmdInstance is `flexusl instance`.
func NewCmdInstance(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "instance", Short: Short,
		Example: `  flexusl instance buy --region ap-southeast-3 --name web-1 --image WordPress --spec hf.large.1.30m.linux
  flexusl instance list
  flexusl instance ssh web-1
  flexusl instance stop web-1
  flexusl instance renew web-1 --period 2 --auto-pay`}
	cmd.AddCommand(NewCmdBuy(f, nil), NewCmdList(f, nil), NewCmdShow(f, nil), NewCmdSSH(f, nil))
	cmd.AddCommand(newPowerCmds(f, nil)...)
	cmd.AddCommand(NewCmdResetPassword(f, nil), NewCmdUpdate(f, nil),
		NewCmdRenew(f, nil), NewCmdDelete(f, nil), NewCmdAutoRenew(f, nil), NewCmdTraffic(f, nil))
	return cmdutil.GroupCommand(cmd)
}
