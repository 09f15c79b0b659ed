//go:build unix

package e2e

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/journal"
)

// Real signals sent to the built binary while its purchase POST is held by
// the server: the attempt is in the journal before the request arrives, and
// after the signal it reads as unknown (SIGKILL: the "sending" record, no
// outcome; the others: the outcome "unknown" recorded on the way out). The
// exit code is never 2, which promises that nothing was sent.
func TestSignalsMidPurchase(t *testing.T) {
	const crid = "5a56f6c3-8aee-4e4b-bf76-5d98d1ac023d"
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM, syscall.SIGQUIT, syscall.SIGINT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			state := t.TempDir()
			path := filepath.Join(state, "flexusl", "orders.jsonl")
			arrived := make(chan string, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/v1/light-instances" {
					http.NotFound(w, r)
					return
				}
				io.ReadAll(r.Body)
				data, _ := os.ReadFile(path)
				arrived <- string(data)
				select { // hold the request until the client goes away
				case <-r.Context().Done():
				case <-time.After(20 * time.Second):
				}
			}))
			defer srv.Close()

			cmd := exec.Command(filepath.Join(binDirE2E, "flexusl"), "instance", "buy", "--region", "ap-southeast-3", "--name", "web-1",
				"--image", "WordPress", "--spec", "hf.large.1.30m.linux", "--yes", "--no-price", "--client-request-id", crid, "-o", "json")
			cmd.Env = []string{"HOME=" + state, "XDG_STATE_HOME=" + state, "XDG_CONFIG_HOME=" + filepath.Join(state, "config"),
				"FLEXUSL_ENDPOINT=" + srv.URL, "FLEXUSL_TOKEN=" + E2EToken, "FLEXUSL_NO_TTY=1"}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			select {
			case data := <-arrived:
				if !strings.Contains(data, `"request_id":"`+crid+`"`) || !strings.Contains(data, `"state":"sending"`) {
					t.Fatalf("the attempt was not journaled before the request arrived: %q", data)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("the purchase never arrived; stderr %s", stderr.String())
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			waited := make(chan struct{})
			go func() { cmd.Wait(); close(waited) }()
			select {
			case <-waited:
			case <-time.After(20 * time.Second):
				t.Fatal("flexusl did not exit after the signal")
			}
			ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
			code := cmd.ProcessState.ExitCode()
			if code == 2 {
				t.Fatalf("exit 2 promises nothing was sent; stderr %s", stderr.String())
			}
			entries, skipped, err := journal.Read(path)
			if err != nil || skipped != 0 || len(entries) != 1 {
				t.Fatalf("journal: %d entries, %d skipped, %v", len(entries), skipped, err)
			}
			e := entries[0]
			if e.RequestID != crid || e.State != journal.StateUnknown || e.Name != "web-1" {
				t.Errorf("entry %+v", e)
			}
			if sig == syscall.SIGKILL {
				if !ws.Signaled() || ws.Signal() != syscall.SIGKILL || !e.NoOutcome {
					t.Errorf("status %v, entry %+v", ws, e)
				}
				return
			}
			if code != 130 || e.NoOutcome || !strings.Contains(e.Error, "interrupted") {
				t.Errorf("exit %d (want 130), entry %+v\nstderr %s", code, e, stderr.String())
			}
			if stdout.Len() != 0 || !strings.Contains(stderr.String(), "outcome is unknown") || !strings.Contains(stderr.String(), crid) {
				t.Errorf("stdout %q\nstderr %s", stdout.String(), stderr.String())
			}
		})
	}
}
