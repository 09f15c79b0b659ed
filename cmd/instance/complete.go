package instance

import (
	"fmt"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/spf13/cobra"
)

// completeInstances completes instance IDs offline, newest first, from
// what this machine knows without the network: the instances its purchases
// created (the journal), described by name and region. Arguments already
// typed are not offered again.
func completeInstances(f *cmdutil.Factory) func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if cmd.Name() == "update" && len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		typed := map[string]bool{}
		for _, a := range args {
			typed[a] = true
		}
		entries, _, _ := journal.Read(f.JournalPath())
		var out []cobra.Completion
		for _, e := range journal.Newest(entries) {
			for _, id := range e.InstanceIDs {
				if typed[id] || len(id) < len(prefix) || id[:len(prefix)] != prefix {
					continue
				}
				typed[id] = true
				out = append(out, cobra.CompletionWithDesc(id, fmt.Sprintf("%s %s", e.Name, e.Region)))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
	}
}
