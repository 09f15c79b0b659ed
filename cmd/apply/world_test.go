package applycmd_test

import (
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	"github.com/flexusl/flexusl/pkg/sandbox"
)

// fwWorld is cmdtest.NewWorld: two instances sharing sg-default-smb.
type fwWorld struct {
	*cmdtest.Sandbox
	s   *sandbox.Server
	env map[string]string
	dir string
}

func newFWWorld(t *testing.T) *fwWorld {
	t.Helper()
	sb, _ := cmdtest.NewWorld(t)
	return &fwWorld{Sandbox: sb, s: sb.S, env: sb.Env, dir: sb.Dir}
}
