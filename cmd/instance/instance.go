// Package instance holds `flexusl instance`.
package instance

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/spf13/cobra"
)

// NewCmdInstance is `flexusl instance`.
func NewCmdInstance(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "instance", Short: "Buy FlexusL instances, operate their servers, renew and unsubscribe them",
		Example: "  flexusl instance buy --region ap-southeast-3 --name web-1 --image WordPress --spec hf.large.1.30m.linux\n  flexusl instance stop web-1\n  flexusl instance renew web-1 --period 2 --auto-pay"}
	cmd.AddCommand(NewCmdBuy(f, nil), NewCmdStart(f, nil), NewCmdStop(f, nil), NewCmdReboot(f, nil),
		NewCmdResetPassword(f, nil), NewCmdUpdate(f, nil),
		NewCmdRenew(f, nil), NewCmdDelete(f, nil), NewCmdAutoRenew(f, nil), NewCmdTraffic(f))
	return cmdutil.GroupCommand(cmd)
}
