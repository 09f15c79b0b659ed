package ordercmd

import (
	"reflect"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/ui"
)

// Each order action is a row: its command parses its flags into the one
// options struct, and its kind is a row of the journal's kinds that acts
// on an order.
func TestOrderActionRows(t *testing.T) {
	io, _, _, _ := ui.Test()
	f := &cmdutil.Factory{IO: io}
	tests := []struct {
		argv []string
		want ActionOptions
	}{
		{[]string{"CS24022811305H1EW"}, ActionOptions{Args: []string{"CS24022811305H1EW"}}},
		{[]string{"--last", "--yes"}, ActionOptions{Args: []string{}, Last: true, Yes: true}},
		{[]string{"-y", "--dry-run", "CS1"}, ActionOptions{Args: []string{"CS1"}, Yes: true, DryRun: true}},
	}
	for i, c := range newActionCmds(f, nil) {
		a := orderActions[i]
		if c.Name() != a.verb || !journal.KindOf(a.kind).OnOrder || c.Example == "" || !strings.Contains(c.Long, "--yes") {
			t.Errorf("row %d: %s kind %s", i, c.Name(), a.kind)
		}
		for _, tt := range tests {
			var got *ActionOptions
			cmd := newActionCmd(f, a, func(o *ActionOptions) error { got = o; return nil })
			cmd.SetArgs(tt.argv)
			if err := cmd.Execute(); err != nil {
				t.Fatalf("%s %v: %v", a.verb, tt.argv, err)
			}
			want := tt.want
			want.Verb = a.verb
			if got.Args == nil {
				got.Args = []string{}
			}
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("%s %v: %+v, want %+v", a.verb, tt.argv, *got, want)
			}
		}
	}
}
