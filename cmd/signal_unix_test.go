//go:build unix

package cmd

import (
	"syscall"
	"testing"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/ui"
)

// A command that is not offline gets Ctrl-C handling from the root's hook:
// SIGINT then calls Interrupt (which cancels the run) instead of killing
// the process.
func TestInterruptCancelsTheRun(t *testing.T) {
	io, _, _, _ := ui.Test()
	done := make(chan struct{})
	f := &cmdutil.Factory{IO: io, Getenv: func(string) string { return "" }, Signals: Signals, Interrupt: func() { close(done) }}
	root := NewRootCmd(f)
	c, _, err := root.Find([]string{"order", "show"})
	if err != nil {
		t.Fatal(err)
	}
	if err := root.PersistentPreRunE(c, nil); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("SIGINT did not reach Interrupt")
	}
}
