// Package cmdtest runs flexusl's commands in tests: one leaf command's flag
// parsing alone (Flags, through the command's runF), or the whole command
// tree in-process with test streams and an apitest registry answering its
// API calls (Run). It is imported by command tests only.
package cmdtest

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/flexusl/flexusl/cmd"
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api/apitest"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/ui"
	"github.com/spf13/cobra"
)

// Flags builds the leaf command newCmd makes, parses args with it and
// returns the options its runF was handed (nil when parsing or the
// command's checks stopped before runF), the exit code the error maps to
// (0 without one; 2 is a usage error) and the error. Nothing runs: runF only
// records the options. Flag errors are worded as in a full run.
func Flags[O any](t testing.TB, newCmd func(*cmdutil.Factory, func(*O) error) *cobra.Command, args ...string) (*O, int, error) {
	t.Helper()
	ios, _, _, _ := ui.Test()
	f := &cmdutil.Factory{IO: ios, Getenv: func(string) string { return "" }}
	var got *O
	c := newCmd(f, func(o *O) error { got = o; return nil })
	c.SetFlagErrorFunc(cmdutil.FlagErrorFunc)
	c.SilenceUsage, c.SilenceErrors = true, true
	c.SetArgs(args)
	c.SetOut(ios.Out)
	c.SetErr(ios.ErrOut)
	err := c.Execute()
	code := exitcode.OK
	if err != nil {
		code = exitcode.Of(err)
	}
	return got, code, err
}

// Result is what an in-process run printed and its exit code.
type Result struct {
	Out, Err string
	Code     int
}

// Options shape an in-process run.
type Options struct {
	// Env is the whole environment (Getenv sees nothing else); FLEXUSL_CONFIG
	// defaults to a file in a temporary directory.
	Env map[string]string
	// TTY makes stdin, stdout and stderr terminals.
	TTY bool
	// Stdin is what stdin holds (answers to prompts).
	Stdin string
	// Password answers password prompts (no echo) on a terminal.
	Password string
	// Reg answers the run's API calls through the Factory's HTTPClient; nil
	// leaves the configured client (endpoints from Env).
	Reg *apitest.Registry
	// Ctx is the run's context (Background when nil): cancelling it is
	// Ctrl-C.
	Ctx context.Context

	client func() (*http.Client, error) // Sandbox.Run's
}

// RunEnv runs flexusl with args in-process with only the environment
// given (no terminal, no stubs).
func RunEnv(t testing.TB, env map[string]string, args ...string) Result {
	t.Helper()
	return Run(t, Options{Env: env}, args...)
}

// Run runs flexusl with args in-process as o describes.
func Run(t testing.TB, o Options, args ...string) Result {
	t.Helper()
	e := map[string]string{"FLEXUSL_CONFIG": filepath.Join(t.TempDir(), "config.yaml")}
	for k, v := range o.Env {
		e[k] = v
	}
	ios, in, out, errOut := ui.Test()
	if o.TTY {
		ios.SetTTY(true, true, true)
	}
	in.WriteString(o.Stdin)
	if o.Password != "" {
		ios.SetPasswordReader(func(int) ([]byte, error) { return []byte(o.Password), nil })
	}
	f := &cmdutil.Factory{IO: ios, Getenv: func(k string) string { return e[k] }}
	switch {
	case o.client != nil:
		f.HTTPClient = o.client
	case o.Reg != nil:
		f.HTTPClient = o.Reg.HTTPClient
	}
	ctx := o.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	code := cmd.Run(ctx, f, args)
	return Result{out.String(), errOut.String(), code}
}
