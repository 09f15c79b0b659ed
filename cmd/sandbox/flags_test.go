package sandboxcmd_test

import (
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	sandboxcmd "github.com/flexusl/flexusl/cmd/sandbox"
	"github.com/flexusl/flexusl/pkg/sandbox"
)

// Flag parsing alone (runF): the defaults, every flag, and the values the
// sandbox refuses before it listens (exit 2, naming the flag).
func TestSandboxFlags(t *testing.T) {
	o, _, err := cmdtest.Flags(t, sandboxcmd.NewCmdSandbox)
	want := sandboxcmd.Options{Listen: "127.0.0.1:8089", Token: sandbox.DefaultToken, AccessKey: sandbox.DefaultAccessKey, SecretKey: sandbox.DefaultSecretKey,
		CompleteAfter: sandbox.DefaultCompleteAfter, ProvisionAfter: sandbox.DefaultProvisionAfter, JobAfter: sandbox.DefaultJobAfter}
	if err != nil || *o != want {
		t.Errorf("defaults: %v\n%+v\n%+v", err, o, want)
	}
	o, _, err = cmdtest.Flags(t, sandboxcmd.NewCmdSandbox, "--listen", "127.0.0.1:0", "--token", "t", "--access-key", "ak", "--secret-key", "sk",
		"--complete-after", "1s", "--provision-after", "0s", "--job-after", "2s", "--log", "-", "--quiet")
	want = sandboxcmd.Options{Listen: "127.0.0.1:0", Token: "t", AccessKey: "ak", SecretKey: "sk", CompleteAfter: time.Second, JobAfter: 2 * time.Second, Log: "-", Quiet: true}
	if err != nil || *o != want {
		t.Errorf("%v\n%+v", err, o)
	}
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"--complete-after", "0s"}, "--complete-after must be positive, got 0s"},
		{[]string{"--provision-after", "-1s"}, "--provision-after must be 0 or more, got -1s"},
		{[]string{"--job-after", "-1ms"}, "--job-after must be 0 or more, got -1ms"},
		{[]string{"--token", ""}, "--token must not be empty"},
		{[]string{"--access-key", "a\nb"}, "--access-key holds a control character"},
		{[]string{"--secret-key", "s\x1b"}, "--secret-key holds a control character"},
		{[]string{"--job-after", "soon"}, `invalid argument "soon" for "--job-after"`},
		{[]string{"serve"}, `sandbox takes no arguments, got ["serve"]`},
	} {
		o, code, err := cmdtest.Flags(t, sandboxcmd.NewCmdSandbox, tt.args...)
		if code != 2 || o != nil || err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: exit %d, ran %v, err %v; want exit 2 with %q", tt.args, code, o != nil, err, tt.err)
		}
	}
}
