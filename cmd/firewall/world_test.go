package firewallcmd_test

import (
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/sandbox"
)

type result struct {
	out, err string
	code     int
}

// fwWorld is a sandbox with two instances in ap-southeast-3 sharing
// sg-default-smb, answering flexusl in-process (cmdtest.Sandbox).
type fwWorld struct {
	*cmdtest.Sandbox
	s   *sandbox.Server
	env map[string]string
	dir string
	ids []sandbox.InstanceSummary
}

func newFWWorld(t *testing.T) *fwWorld {
	t.Helper()
	sb := cmdtest.NewSandbox(t, sandbox.Options{})
	ids, err := sb.S.Provision(sandbox.ProvisionRequest{Count: 2, Name: "web"})
	if err != nil {
		t.Fatal(err)
	}
	sb.Env["FLEXUSL_TIMEOUT"] = "500ms"
	return &fwWorld{Sandbox: sb, s: sb.S, env: sb.Env, dir: sb.Dir, ids: ids}
}

func (w *fwWorld) count(route string) int { return w.Count(route) }

func (w *fwWorld) journal(t *testing.T) []journal.Entry { return w.Journal(t) }

// run runs flexusl against the world; runTTY with every stream a terminal
// and stdin answering prompts.
func (w *fwWorld) run(t *testing.T, args ...string) result {
	t.Helper()
	r := w.Run(t, cmdtest.Options{}, args...)
	return result{r.Out, r.Err, r.Code}
}

func (w *fwWorld) runTTY(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	r := w.Run(t, cmdtest.Options{TTY: true, Stdin: stdin}, args...)
	return result{r.Out, r.Err, r.Code}
}
