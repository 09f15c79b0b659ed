// Package firewallcmd holds `flexusl firewall`: the VPC security groups of
// FlexusL instances and their rules.
package firewallcmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/spf13/cobra"
)

// Short is the group's one-line help (the root lists it from a stand-in).
const Short = "Open and close ports: the security group rules that protect your instances (VPC)"

// NewCmdFirewall is `flexusl firewall`.
func NewCmdFirewall(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "firewall", Short: Short,
		Long: `A FlexusL instance's firewall is the VPC security group of its server.
Every L instance of an account in a region is put in the same group,
sg-default-smb, which lets ICMP (ping) in and everything out, but not SSH
(22), RDP (3389) or the web (80, 443): open what you need with
firewall allow. A rule added "for web-1" applies to every instance in its
group: flexusl names them all before it changes anything.`,
		Example: `  flexusl firewall list web-1
  flexusl firewall allow web-1 --port 22 --from 203.0.113.7
  flexusl firewall allow web-1 --port 80,443
  flexusl firewall delete 7c1e0a9b-3d2f-4e5a-8b6c-9d0e1f2a3b4c --region ap-southeast-3`}
	cmd.AddCommand(NewCmdList(f, nil), NewCmdAllow(f, nil), NewCmdDeny(f, nil), NewCmdDelete(f, nil))
	return cmdutil.GroupCommand(cmd)
}
