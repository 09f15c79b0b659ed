package cmdutil

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// Sub is a subcommand a group builds only when a run names it (see
// AddNamed): Names are its name and then its aliases.
type Sub struct {
	Names []string
	Build func() *cobra.Command
}

// AddNamed adds subs to group: only those a run with args names, or all of
// them. The subcommands named are the words after the group's name in args
// that are a Sub's name or alias; when the first word after it is none (no
// subcommand: group help, or completing a subcommand's name; a typo to
// suggest for; a flag's value), or args is nil (docs, tests), all are
// built, so help, completion, errors and suggestions stay exact. Building
// only what runs keeps start-up flat as a group grows (`instance buy`
// completion built thirteen commands for one).
func AddNamed(group *cobra.Command, args []string, subs []Sub) {
	named := subsNamed(group.Name(), args, subs)
	for _, s := range subs {
		if named == nil || named[s.Names[0]] {
			group.AddCommand(s.Build())
		}
	}
}

// subsNamed is the set of subs (by name) args names after the group's
// name; nil means all.
func subsNamed(group string, args []string, subs []Sub) map[string]bool {
	i := slices.Index(args, group)
	if i < 0 {
		return nil
	}
	lookup := func(w string) string {
		for _, s := range subs {
			if slices.Contains(s.Names, w) {
				return s.Names[0]
			}
		}
		return ""
	}
	var named map[string]bool
	for _, a := range args[i+1:] {
		if a == "" || strings.HasPrefix(a, "-") {
			continue
		}
		name := lookup(a)
		if named == nil {
			if name == "" {
				return nil // the first word names no subcommand
			}
			named = map[string]bool{}
		}
		if name != "" {
			named[name] = true
		}
	}
	return named
}
