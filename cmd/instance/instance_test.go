package instancecmd

import (
	"slices"
	"testing"
)

// The table that lets a run build only the subcommands it names lists
// every subcommand under its name and aliases.
func TestSubcommandTable(t *testing.T) {
	subs := subcommands(nil)
	built := NewCmdInstance(nil).Commands()
	if len(subs) != len(built) {
		t.Errorf("%d subcommands in the table, %d built", len(subs), len(built))
	}
	for _, s := range subs {
		c := s.Build()
		if want := append([]string{c.Name()}, c.Aliases...); !slices.Equal(s.Names, want) {
			t.Errorf("table names %v; the command is %v", s.Names, want)
		}
	}
}
