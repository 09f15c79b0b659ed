package configcmd_test

import (
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	configcmd "github.com/flexusl/flexusl/cmd/config"
	"github.com/spf13/cobra"
)

// Flag parsing alone (runF): the options each argv gives, and the usage
// errors (exit 2, naming what is wrong) before anything runs.
func TestSetFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want configcmd.SetOptions
		err  string // "" when it parses
	}{
		{args: []string{"region", "ap-southeast-3"}, want: configcmd.SetOptions{Key: "region", Value: "ap-southeast-3", HasValue: true}},
		{args: []string{"secret_key", "-"}, want: configcmd.SetOptions{Key: "secret_key", Value: "-", HasValue: true}},
		{args: []string{"token"}, want: configcmd.SetOptions{Key: "token"}},
		{args: []string{"token", "abc"}, err: "token is a secret and is not taken on the command line"},
		{args: []string{"secret_key", "abc"}, err: "`flexusl config set secret_key -`"},
		{args: []string{"nosuchkey", "x"}, err: `"nosuchkey"`},
		{args: nil, err: "set takes 1 to 2 arguments (KEY [VALUE | -]), got 0 arguments"},
		{args: []string{"a", "b", "c"}, err: "got 3 arguments"},
		{args: []string{"region", "x", "--nope"}, err: "unknown flag: --nope"},
	} {
		got, code, err := cmdtest.Flags(t, configcmd.NewCmdSet, tt.args...)
		if tt.err != "" {
			if code != 2 || got != nil || err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: exit %d, ran %v, err %v; want exit 2 with %q", tt.args, code, got != nil, err, tt.err)
			}
			continue
		}
		if err != nil || got == nil || *got != tt.want {
			t.Errorf("%q: err %v, got %+v, want %+v", tt.args, err, got, tt.want)
		}
	}
}

func TestGetAndUnsetFlags(t *testing.T) {
	g, code, err := cmdtest.Flags(t, configcmd.NewCmdGet, "region")
	if err != nil || g.Key != "region" {
		t.Errorf("get: exit %d %v %+v", code, err, g)
	}
	if g, code, err := cmdtest.Flags(t, configcmd.NewCmdGet, "regoin"); code != 2 || g != nil || !strings.Contains(err.Error(), `"regoin"`) {
		t.Errorf("get regoin: exit %d %v", code, err)
	}
	if _, code, err := cmdtest.Flags(t, configcmd.NewCmdGet); code != 2 || !strings.Contains(err.Error(), "get takes a KEY, got 0 arguments") {
		t.Errorf("get: exit %d %v", code, err)
	}
	u, _, err := cmdtest.Flags(t, configcmd.NewCmdUnset, "token")
	if err != nil || u.Key != "token" {
		t.Errorf("unset: %v %+v", err, u)
	}
	if _, code, err := cmdtest.Flags(t, configcmd.NewCmdUnset, "a", "b"); code != 2 || !strings.Contains(err.Error(), "unset takes a KEY, got 2 arguments") {
		t.Errorf("unset a b: exit %d %v", code, err)
	}
}

func TestProfileCommandFlags(t *testing.T) {
	for name, newCmd := range map[string]func(*cmdutil.Factory, func(*configcmd.ProfileOptions) error) *cobra.Command{
		"use": configcmd.NewCmdUse, "delete": configcmd.NewCmdDelete,
	} {
		o, _, err := cmdtest.Flags(t, newCmd, "Prod")
		if err != nil || o.Name != "Prod" {
			t.Errorf("%s: %v %+v", name, err, o)
		}
		if o, code, err := cmdtest.Flags(t, newCmd); code != 2 || o != nil || !strings.Contains(err.Error(), name+" takes a profile NAME, got 0 arguments") {
			t.Errorf("%s: exit %d %v", name, code, err)
		}
	}
}

// The commands without arguments of their own take none.
func TestNoArgumentCommands(t *testing.T) {
	check := func(name string, code int, err error) {
		t.Helper()
		if code != 2 || err == nil || !strings.Contains(err.Error(), name+" takes no arguments, got [\"extra\"]") {
			t.Errorf("%s extra: exit %d %v", name, code, err)
		}
	}
	if o, _, err := cmdtest.Flags(t, configcmd.NewCmdList); o == nil || err != nil {
		t.Errorf("list: %v", err)
	}
	_, code, err := cmdtest.Flags(t, configcmd.NewCmdList, "extra")
	check("list", code, err)
	_, code, err = cmdtest.Flags(t, configcmd.NewCmdProfiles, "extra")
	check("profiles", code, err)
	_, code, err = cmdtest.Flags(t, configcmd.NewCmdPath, "extra")
	check("path", code, err)
	_, code, err = cmdtest.Flags(t, configcmd.NewCmdInit, "extra")
	check("init", code, err)
	if o, _, err := cmdtest.Flags(t, configcmd.NewCmdInit); o == nil || err != nil {
		t.Errorf("init: %v", err)
	}
}
