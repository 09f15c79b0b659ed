package instancecmd_test

import (
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	"github.com/flexusl/flexusl/pkg/api/apitest"
)

// result is what a run printed and its exit code.
type result struct {
	out, err string
	code     int
}

// runReg runs flexusl in-process with env and reg answering the API calls
// (no endpoint is configured: the Factory's HTTP client is reg's); tty
// makes every stream a terminal with stdin answering prompts.
func runReg(t *testing.T, reg *apitest.Registry, env map[string]string, tty bool, stdin string, args ...string) result {
	t.Helper()
	r := cmdtest.Run(t, cmdtest.Options{Env: env, TTY: tty, Stdin: stdin, Reg: reg}, args...)
	return result{r.Out, r.Err, r.Code}
}
