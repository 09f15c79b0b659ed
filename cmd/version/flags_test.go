package versioncmd_test

import (
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	versioncmd "github.com/flexusl/flexusl/cmd/version"
)

// Flag parsing alone (runF): version takes no arguments nor flags of its own.
func TestVersionFlags(t *testing.T) {
	if o, code, err := cmdtest.Flags(t, versioncmd.NewCmdVersion); o == nil || code != 0 || err != nil {
		t.Errorf("exit %d %v", code, err)
	}
	if o, code, err := cmdtest.Flags(t, versioncmd.NewCmdVersion, "now"); o != nil || code != 2 || !strings.Contains(err.Error(), `version takes no arguments, got ["now"]`) {
		t.Errorf("exit %d %v", code, err)
	}
	if o, code, err := cmdtest.Flags(t, versioncmd.NewCmdVersion, "--short"); o != nil || code != 2 || !strings.Contains(err.Error(), "unknown flag: --short") {
		t.Errorf("exit %d %v", code, err)
	}
}
