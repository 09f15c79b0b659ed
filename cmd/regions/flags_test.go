package regionscmd_test

import (
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	regionscmd "github.com/flexusl/flexusl/cmd/regions"
)

// Flag parsing alone (runF): regions list takes no arguments nor flags of
// its own.
func TestListFlags(t *testing.T) {
	if o, code, err := cmdtest.Flags(t, regionscmd.NewCmdList); o == nil || code != 0 || err != nil {
		t.Errorf("exit %d %v", code, err)
	}
	if o, code, err := cmdtest.Flags(t, regionscmd.NewCmdList, "ap-southeast-3"); o != nil || code != 2 || !strings.Contains(err.Error(), `list takes no arguments, got ["ap-southeast-3"]`) {
		t.Errorf("exit %d %v", code, err)
	}
	if o, code, err := cmdtest.Flags(t, regionscmd.NewCmdList, "--all"); o != nil || code != 2 || !strings.Contains(err.Error(), "unknown flag: --all") {
		t.Errorf("exit %d %v", code, err)
	}
}
