// Package instancecmd holds `flexusl instance`.
package instancecmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/spf13/cobra"
)

// Short is `flexusl instance`'s one-line help: root help lists it from
// here without building the command.
const Short = "Buy, list and show FlexusL instances, log in, operate their servers, renew and unsubscribe them"

// NewCmdInstance is `flexusl instance` with all its subcommands.
func NewCmdInstance(f *cmdutil.Factory) *cobra.Command {
	return NewCmdInstanceFor(f, nil)
}

// NewCmdInstanceFor is `flexusl instance` with the subcommands a run with
// args names (all of them when it names none; see cmdutil.AddNamed).
func NewCmdInstanceFor(f *cmdutil.Factory, args []string) *cobra.Command {
	cmd := &cobra.Command{Use: "instance", Short: Short,
		Example: `  flexusl instance buy --region ap-southeast-3 --name web-1 --image WordPress --spec hf.large.1.30m.linux
  flexusl instance list
  flexusl instance ssh web-1
  flexusl instance stop web-1
  flexusl instance renew web-1 --period 2 --auto-pay`}
	cmdutil.AddNamed(cmd, args, subcommands(f))
	return cmdutil.GroupCommand(cmd)
}

// subcommands are instance's subcommands by name and aliases (a test
// checks them against the commands built).
func subcommands(f *cmdutil.Factory) []cmdutil.Sub {
	subs := []cmdutil.Sub{
		{Names: []string{"buy"}, Build: func() *cobra.Command { return NewCmdBuy(f, nil) }},
		{Names: []string{"list", "ls"}, Build: func() *cobra.Command { return NewCmdList(f, nil) }},
		{Names: []string{"show"}, Build: func() *cobra.Command { return NewCmdShow(f, nil) }},
		{Names: []string{"ssh"}, Build: func() *cobra.Command { return NewCmdSSH(f, nil) }},
	}
	for _, v := range powerVerbs {
		subs = append(subs, cmdutil.Sub{Names: []string{string(v.action)}, Build: func() *cobra.Command { return newPowerCmd(f, v, nil) }})
	}
	return append(subs,
		cmdutil.Sub{Names: []string{"reset-password"}, Build: func() *cobra.Command { return NewCmdResetPassword(f, nil) }},
		cmdutil.Sub{Names: []string{"update"}, Build: func() *cobra.Command { return NewCmdUpdate(f, nil) }},
		cmdutil.Sub{Names: []string{"renew"}, Build: func() *cobra.Command { return NewCmdRenew(f, nil) }},
		cmdutil.Sub{Names: []string{"delete", "unsubscribe"}, Build: func() *cobra.Command { return NewCmdDelete(f, nil) }},
		cmdutil.Sub{Names: []string{"auto-renew"}, Build: func() *cobra.Command { return NewCmdAutoRenew(f, nil) }},
		cmdutil.Sub{Names: []string{"traffic"}, Build: func() *cobra.Command { return NewCmdTraffic(f, nil) }},
	)
}
