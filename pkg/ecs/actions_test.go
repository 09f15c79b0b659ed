package ecs

import (
	"testing"

	"github.com/flexusl/flexusl/pkg/api"
)

// Each power action's row: its body key, past tense and type, the
// "already" state and the refusal, as the commands rely on them.
func TestActionFacts(t *testing.T) {
	tests := []struct {
		a                Action
		key, done        string
		typed, already   bool
		refused, instead string
	}{
		{Start, api.ActionStart, "started", false, true, "", ""},
		{Stop, api.ActionStop, "stopped", true, true, "", ""},
		{Reboot, api.ActionReboot, "rebooted", true, false, "STOPPED", "start"},
	}
	if got := Actions(); len(got) != len(tests) {
		t.Fatalf("actions %v", got)
	}
	for i, tc := range tests {
		if Actions()[i] != tc.a {
			t.Errorf("action %d is %s, want %s", i, Actions()[i], tc.a)
		}
		refused, instead := tc.a.RefusedWhen()
		if tc.a.Key() != tc.key || tc.a.Done() != tc.done || tc.a.Typed() != tc.typed || tc.a.HasAlready() != tc.already ||
			refused != tc.refused || string(instead) != tc.instead {
			t.Errorf("%s: key %q done %q typed %v already %v refused %q instead %q", tc.a, tc.a.Key(), tc.a.Done(), tc.a.Typed(), tc.a.HasAlready(), refused, instead)
		}
	}
	// Not an action: nothing to send, nothing "already".
	if a := Action("hibernate"); a.Key() != "" || a.Typed() || a.HasAlready() {
		t.Errorf("unknown action has facts")
	}
}
