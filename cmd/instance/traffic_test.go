package instancecmd_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	instancecmd "github.com/flexusl/flexusl/cmd/instance"
)

// Flag parsing alone (runF): the targets, and the ones refused before
// anything is sent (exit 2, naming the argument).
func TestTrafficFlags(t *testing.T) {
	o, _, err := cmdtest.Flags(t, instancecmd.NewCmdTraffic)
	if err != nil || len(o.Targets) != 0 {
		t.Errorf("none: %v %+v", err, o)
	}
	o, _, err = cmdtest.Flags(t, instancecmd.NewCmdTraffic, "web-1", "6743d0e3708be6007b8c8012")
	if err != nil || !slices.Equal(o.Targets, []string{"web-1", "6743d0e3708be6007b8c8012"}) {
		t.Errorf("%v %+v", err, o)
	}
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"web-1", "web-1"}, `ID|NAME "web-1": is given more than once`},
		{[]string{strings.Repeat("n", 129)}, "not an instance ID or name (at most 128 characters)"},
		{[]string{"web\x1b[2J"}, `"web\x1b[2J": not an instance ID or name (control character)`},
		{[]string{"--all"}, "unknown flag: --all"},
	} {
		o, code, err := cmdtest.Flags(t, instancecmd.NewCmdTraffic, tt.args...)
		if code != 2 || o != nil || err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: exit %d, ran %v, err %v; want exit 2 with %q", tt.args, code, o != nil, err, tt.err)
		}
	}
}
