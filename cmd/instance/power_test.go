package instancecmd

import (
	"testing"

	"github.com/flexusl/flexusl/pkg/ecs"
)

// Every power action of pkg/ecs is one row of the command table, in the
// same order, and its command takes --type exactly when the action does.
func TestPowerVerbsCoverEveryAction(t *testing.T) {
	acts := ecs.Actions()
	if len(powerVerbs) != len(acts) {
		t.Fatalf("%d rows for %d actions", len(powerVerbs), len(acts))
	}
	for i, c := range newPowerCmds(nil, nil) {
		if powerVerbs[i].action != acts[i] || c.Name() != string(acts[i]) {
			t.Errorf("row %d: %s (%s), want %s", i, powerVerbs[i].action, c.Name(), acts[i])
		}
		if (c.Flags().Lookup("type") != nil) != acts[i].Typed() || c.Short == "" || c.Example == "" {
			t.Errorf("%s: --type %v, typed %v", c.Name(), c.Flags().Lookup("type") != nil, acts[i].Typed())
		}
	}
}
