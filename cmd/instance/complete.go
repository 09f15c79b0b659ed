package instancecmd

import (
	"fmt"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/safetext"
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
		var entries []journal.Entry
		if path, err := f.JournalPath(); err == nil {
			entries, _, _ = journal.Read(path)
		}
		var out []cobra.Completion
		for _, e := range journal.Newest(entries) {
			if e.Kind != journal.KindPurchase {
				continue // the instances this machine bought, not every ID an action named
			}
			for _, id := range e.ResourceIDs {
				if typed[id] || len(id) < len(prefix) || id[:len(prefix)] != prefix {
					continue
				}
				typed[id] = true
				out = append(out, cobra.CompletionWithDesc(id, safetext.Line(fmt.Sprintf("%s %s", e.Name, e.Region))))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
	}
}
