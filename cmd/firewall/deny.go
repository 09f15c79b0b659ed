package firewallcmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/spf13/cobra"
)

// NewCmdDeny is `flexusl firewall deny`; runF replaces the run in tests.
func NewCmdDeny(f *cmdutil.Factory, runF func(*RuleOptions) error) *cobra.Command {
	return newRuleCmd(f, api.ActionDeny, runF, "Close ports: add a deny rule to an instance's security group",
		`  # keep one network out of SSH, stronger than any allow at priority 2 or more
  flexusl firewall deny web-1 --port 22 --from 198.51.100.0/24 --priority 1

  # no outbound SMTP
  flexusl firewall deny web-1 --direction egress --port 25 --yes`)
}
