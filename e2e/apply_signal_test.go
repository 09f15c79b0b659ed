//go:build unix

package e2e

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/filelock"
	"github.com/flexusl/flexusl/pkg/sandbox"
)

// A CI runner lost right after its purchase left: `flexusl apply` is
// killed (SIGKILL) while the sandbox, which has placed the order, holds
// the answer back. A re-run from a fresh HOME (a new runner, an empty
// journal) buys nothing while that order is processing, and nothing once
// it has completed: the instance is found by its fleet tag.
func TestApplyKilledAfterPurchase(t *testing.T) {
	s, err := sandbox.New(sandbox.Options{Token: E2EToken, CompleteAfter: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var hold atomic.Bool
	hold.Store(true)
	arrived := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hold.Load() || r.Method != http.MethodPost || r.URL.Path != "/v1/light-instances" {
			s.ServeHTTP(w, r)
			return
		}
		s.ServeHTTP(httptest.NewRecorder(), r) // the order is placed; its answer never leaves
		arrived <- struct{}{}
		select { // hold the request until the client goes away
		case <-r.Context().Done():
		case <-time.After(20 * time.Second):
		}
	}))
	defer srv.Close()

	dir := t.TempDir()
	fleetFile := filepath.Join(dir, "fleet.yaml")
	if err := os.WriteFile(fleetFile, []byte(`fleet: ci-kill
defaults: {region: ap-southeast-3, image: Ubuntu, image_version: "22.04", spec: hf.large.1.30m.linux, auto_pay: true}
instances:
  - name: web-1
`), 0o600); err != nil {
		t.Fatal(err)
	}
	// apply runs flexusl apply as a runner with its own HOME.
	apply := func(runner string, args ...string) *exec.Cmd {
		home := filepath.Join(dir, runner)
		cmd := exec.Command(filepath.Join(binDirE2E, "flexusl"), append([]string{"apply", "-f", fleetFile}, args...)...)
		cmd.Env = []string{"HOME=" + home, "XDG_STATE_HOME=" + filepath.Join(home, "state"), "XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
			"FLEXUSL_TOKEN=" + E2EToken, "FLEXUSL_NO_TTY=1"}
		for _, svc := range []string{"", "BSS_", "IAM_", "RMS_", "ECS_", "VPC_"} {
			cmd.Env = append(cmd.Env, "FLEXUSL_"+svc+"ENDPOINT="+srv.URL)
		}
		return cmd
	}
	posts := func() int {
		n := 0
		for _, r := range s.Requests() {
			if r.Method == http.MethodPost && r.Path == "/v1/light-instances" {
				n++
			}
		}
		return n
	}
	run := func(runner string, wantCode int, args ...string) string {
		t.Helper()
		cmd := apply(runner, args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != wantCode {
			t.Fatalf("%s: apply %v exited %d (%v), want %d\nstdout %s\nstderr %s", runner, args, code, err, wantCode, stdout.String(), stderr.String())
		}
		return stdout.String() + stderr.String()
	}

	// Runner 1: killed right after its purchase left.
	first := apply("runner1", "--yes")
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer first.Process.Kill()
	select {
	case <-arrived:
	case <-time.After(20 * time.Second):
		t.Fatal("the purchase never arrived")
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	hold.Store(false)
	if n := len(s.Orders()); n != 1 {
		t.Fatalf("%d orders after the first run, want 1", n)
	}

	// Runner 2, while the order is processing: holds, names it, buys nothing.
	out := run("runner2", 1, "--yes")
	order := s.Orders()[0]
	if order.Status != 3 {
		t.Fatalf("the order is %d, want 3 (processing): the test ran too slowly", order.Status)
	}
	if !strings.Contains(out, "held") || !strings.Contains(out, order.OrderID) {
		t.Errorf("runner2 did not name the order in flight:\n%s", out)
	}
	if posts() != 1 {
		t.Fatalf("%d purchase POSTs, want 1", posts())
	}

	// Runner 3, once it completed: the instance is the fleet's; nothing to do.
	deadline := time.Now().Add(10 * time.Second)
	for s.Orders()[0].Status != 5 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	out = run("runner3", 0, "--dry-run")
	if !strings.Contains(out, "= web-1 (ap-southeast-3") || !strings.Contains(out, "nothing to do") {
		t.Errorf("runner3's plan:\n%s", out)
	}
	run("runner3", 0, "--yes")
	if posts() != 1 || len(s.Orders()) != 1 {
		t.Fatalf("%d purchase POSTs and %d orders, want 1 and 1", posts(), len(s.Orders()))
	}
}

// Two applies of the same fleet on one machine take turns: while another
// holds the fleet's lock, apply reads nothing and buys nothing, and says
// why it waits.
func TestApplyTakesTurns(t *testing.T) {
	s, err := sandbox.New(sandbox.Options{Token: E2EToken})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	dir := t.TempDir()
	fleetFile := filepath.Join(dir, "fleet.yaml")
	os.WriteFile(fleetFile, []byte("fleet: turns\ndefaults: {region: ap-southeast-3, image: BT, spec: hf.large.1.30m.linux, auto_pay: true}\ninstances: [{name: a}]\n"), 0o600)
	state := filepath.Join(dir, "state")
	if err := os.MkdirAll(filepath.Join(state, "flexusl"), 0o700); err != nil {
		t.Fatal(err)
	}
	unlock, err := filelock.LockPath(filepath.Join(state, "flexusl", "apply-turns.lock"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(binDirE2E, "flexusl"), "apply", "-f", fleetFile, "--yes")
	cmd.Env = []string{"HOME=" + dir, "XDG_STATE_HOME=" + state, "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "FLEXUSL_TOKEN=" + E2EToken, "FLEXUSL_NO_TTY=1"}
	for _, svc := range []string{"", "BSS_", "IAM_", "RMS_", "ECS_", "VPC_"} {
		cmd.Env = append(cmd.Env, "FLEXUSL_"+svc+"ENDPOINT="+srv.URL)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	time.Sleep(1500 * time.Millisecond)
	if n := len(s.Requests()); n != 0 {
		t.Fatalf("apply sent %d requests while another held the lock", n)
	}
	unlock()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("apply: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "Waiting for another apply of fleet turns on this machine") || len(s.Orders()) != 1 {
		t.Errorf("%d orders; stderr:\n%s", len(s.Orders()), stderr.String())
	}
}
