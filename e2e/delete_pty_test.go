//go:build linux

package e2e

import (
	"bytes"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/sandbox"
	"github.com/flexusl/flexusl/pkg/service"
)

// ptyText collects what a program writes to its terminal.
type ptyText struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *ptyText) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *ptyText) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// runOnPTY runs flexusl with stdin and stderr on a terminal (stdout a
// pipe, as in `flexusl ... | jq`), types answer once prompt appears, and
// returns the terminal's text, stdout and the exit code.
func runOnPTY(t *testing.T, env []string, prompt, answer string, args ...string) (term, stdout string, code int) {
	t.Helper()
	master, slave := openPTY(t)
	defer master.Close()
	c := exec.Command(filepath.Join(binDirE2E, "flexusl"), args...)
	c.Env = env
	var out bytes.Buffer
	c.Stdin, c.Stderr, c.Stdout = slave, slave, &out
	c.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	scr := &ptyText{}
	done := make(chan struct{})
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			scr.Write(buf[:n])
			if err != nil {
				close(done)
				return
			}
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(scr.String(), prompt) {
		if time.Now().After(deadline) {
			c.Process.Kill()
			c.Wait()
			t.Fatalf("no prompt %q on the terminal:\n%s", prompt, scr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := master.Write([]byte(answer + "\r")); err != nil {
		t.Fatal(err)
	}
	err := c.Wait()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	return scr.String(), out.String(), code
}

// instance delete on a real terminal asks to type the instance's name, as
// gh repo delete does: a wrong name sends nothing (exit 2), the right one
// unsubscribes.
func TestDeleteTypedConfirmationOnPTY(t *testing.T) {
	s, err := sandbox.New(sandbox.Options{Token: E2EToken, CompleteAfter: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	if _, err := s.Provision(sandbox.ProvisionRequest{Count: 3, Name: "pty"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env := []string{"HOME=" + dir, "XDG_STATE_HOME=" + filepath.Join(dir, "state"), "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"FLEXUSL_TOKEN=" + E2EToken, "PATH=" + os.Getenv("PATH"), "TERM=xterm"}
	env = append(env, service.EnvList(srv.URL)...)
	unsubscribes := func() int {
		n := 0
		for _, r := range s.Requests() {
			if r.Route == sandbox.RouteBSSUnsubscribe {
				n++
			}
		}
		return n
	}

	term, stdout, code := runOnPTY(t, env, "Type pty-0001 to confirm: ", "pty-0002", "instance", "delete", "pty-0001")
	if code != 2 || unsubscribes() != 0 || stdout != "" || !strings.Contains(term, "does not match") || !strings.Contains(term, "nothing was sent") {
		t.Fatalf("wrong name: exit %d, %d unsubscribe requests, stdout %q\n%s", code, unsubscribes(), stdout, term)
	}
	for _, want := range []string{"RELEASES it", "cannot be undone", "pty-0001", "203.0.113.", "server, EIP, data package"} {
		if !strings.Contains(term, want) {
			t.Errorf("the terminal lacks %q:\n%s", want, term)
		}
	}
	if strings.Contains(term, E2EToken) {
		t.Error("token on the terminal")
	}

	term, stdout, code = runOnPTY(t, env, "Type pty-0001 to confirm: ", "pty-0001", "instance", "delete", "pty-0001", "-o", "json")
	if code != 0 || unsubscribes() != 1 || !strings.Contains(stdout, `"order_ids"`) {
		t.Fatalf("right name: exit %d, %d unsubscribe requests, stdout %q\n%s", code, unsubscribes(), stdout, term)
	}

	// Two instances: type their number.
	term, _, code = runOnPTY(t, env, "Type the number of instances (2) to confirm: ", "2", "instance", "unsubscribe", "pty-0002", "pty-0003")
	if code != 0 || unsubscribes() != 2 {
		t.Fatalf("two: exit %d, %d unsubscribe requests\n%s", code, unsubscribes(), term)
	}
}
