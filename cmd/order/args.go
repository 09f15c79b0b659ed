package ordercmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/order"
	"github.com/spf13/cobra"
)

// orderArg checks the ORDER_ID argument or --last of show and wait before
// anything runs (exit 2), as resolveOrderID words it, and returns the ID
// given ("" with --last).
func orderArg(cmd *cobra.Command, args []string, last bool) (string, error) {
	switch {
	case last && len(args) > 0:
		return "", cmdutil.UsageErrorf("give an order ID or --last, not both")
	case last:
		return "", nil
	case len(args) != 1:
		return "", cmdutil.UsageErrorf("%s takes an order ID (or --last), got %d arguments; see: %s --help", cmd.CommandPath(), len(args), cmd.CommandPath())
	}
	return args[0], order.CheckID(args[0])
}

// idArgs are the arguments orderArg took: the ID, or none with --last.
func idArgs(id string) []string {
	if id == "" {
		return nil
	}
	return []string{id}
}
