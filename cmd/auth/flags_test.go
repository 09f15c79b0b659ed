package authcmd_test

import (
	"strings"
	"testing"

	authcmd "github.com/flexusl/flexusl/cmd/auth"
	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
)

// Flag parsing alone (runF): the options each argv gives, and the usage
// errors (exit 2, naming the flag or argument) before anything runs.
func TestLoginFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want authcmd.LoginOptions
		err  string
	}{
		{args: nil, want: authcmd.LoginOptions{}},
		{args: []string{"--account", "acct", "--user", "ci", "--password-stdin"}, want: authcmd.LoginOptions{Account: "acct", User: "ci", PasswordStdin: true}},
		{args: []string{"--password", "x"}, err: "unknown flag: --password"},
		{args: []string{"--password-stdin=maybe"}, err: `invalid argument "maybe" for "--password-stdin"`},
		{args: []string{"--account"}, err: "flag needs an argument: --account"},
		{args: []string{"acct"}, err: `login takes no arguments, got ["acct"]`},
	} {
		got, code, err := cmdtest.Flags(t, authcmd.NewCmdLogin, tt.args...)
		if tt.err != "" {
			if code != 2 || got != nil || err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: exit %d, ran %v, err %v; want exit 2 with %q", tt.args, code, got != nil, err, tt.err)
			}
			continue
		}
		if err != nil || got == nil || *got != tt.want {
			t.Errorf("%q: err %v, got %+v", tt.args, err, got)
		}
	}
}

func TestStatusAndLogoutFlags(t *testing.T) {
	if o, _, err := cmdtest.Flags(t, authcmd.NewCmdStatus); o == nil || err != nil {
		t.Errorf("status: %v", err)
	}
	if o, _, err := cmdtest.Flags(t, authcmd.NewCmdLogout); o == nil || err != nil {
		t.Errorf("logout: %v", err)
	}
	if _, code, err := cmdtest.Flags(t, authcmd.NewCmdStatus, "me"); code != 2 || !strings.Contains(err.Error(), `status takes no arguments, got ["me"]`) {
		t.Errorf("status me: exit %d %v", code, err)
	}
	if _, code, err := cmdtest.Flags(t, authcmd.NewCmdLogout, "--all"); code != 2 || !strings.Contains(err.Error(), "unknown flag: --all") {
		t.Errorf("logout --all: exit %d %v", code, err)
	}
}
