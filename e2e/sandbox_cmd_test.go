package e2e

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/service"
)

// The `flexusl sandbox` process: prints the lines for a shell, serves the
// API, and stops cleanly (exit 0) on SIGTERM.
func TestSandboxCommand(t *testing.T) {
	state := t.TempDir()
	cmd := exec.Command(filepath.Join(binDirE2E, "flexusl"), "sandbox", "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+state)
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	// export FLEXUSL_ENDPOINT=http://127.0.0.1:PORT FLEXUSL_BSS_ENDPOINT=... FLEXUSL_IAM_ENDPOINT=...
	//   FLEXUSL_RMS_ENDPOINT=... FLEXUSL_ECS_ENDPOINT=... FLEXUSL_VPC_ENDPOINT=... FLEXUSL_TOKEN=sandbox FLEXUSL_STATE_DIR=...
	fields := strings.Fields(line)
	n := len(service.Services)
	if len(fields) != n+3 || fields[0] != "export" || !strings.HasPrefix(fields[1], "FLEXUSL_ENDPOINT=http://127.0.0.1:") || fields[n+1] != "FLEXUSL_TOKEN=sandbox" {
		t.Fatalf("first line %q", line)
	}
	// What is tried against the sandbox is journaled apart from the real
	// journal: a directory of its own under flexusl's state directory.
	stateDir := strings.TrimPrefix(fields[n+2], "FLEXUSL_STATE_DIR=")
	if want := filepath.Join(state, "flexusl", "sandbox", "127.0.0.1-"); !strings.HasPrefix(stateDir, want) {
		t.Fatalf("state dir %q, want under %s", fields[n+2], want)
	}
	url := strings.TrimPrefix(fields[1], "FLEXUSL_ENDPOINT=")
	for i, s := range service.Services { // every endpoint of the service table, in its order
		if fields[1+i] != s.Env+"="+url {
			t.Errorf("field %d %q, want %s=%s", 1+i, fields[1+i], s.Env, url)
		}
	}
	req, _ := http.NewRequest("POST", url+"/v1/light-instances", strings.NewReader(`{"instance_name":"w","plan_spec":"hf.large.1.30m.linux","image_ref":{"image_name":"BT"},"region":"ap-southeast-3","period_type":"month","period_num":1}`))
	req.Header.Set("X-Auth-Token", "sandbox")
	req.Header.Set("Client-Request-Id", "85a56f6c-8aee-4e4b-bf76-5d98d1ac023d")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 202 || !strings.Contains(string(body), `"order_id":"CS`) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	// A command run with the export line's variables journals into the
	// sandbox's directory; the usual journal stays empty.
	buy := exec.Command(filepath.Join(binDirE2E, "flexusl"), "instance", "buy", "--region", "ap-southeast-3", "--name", "w", "--image", "BT",
		"--spec", "hf.large.1.30m.linux", "--yes", "-o", "json")
	buy.Env = append(append(os.Environ(), "XDG_STATE_HOME="+state, "HOME="+state), fields[1:]...)
	if out, err := buy.CombinedOutput(); err != nil {
		t.Fatalf("buy against the sandbox: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(stateDir, "orders.jsonl")); err != nil {
		t.Errorf("the sandbox's journal: %v", err)
	}
	if _, err := os.Stat(filepath.Join(state, "flexusl", "orders.jsonl")); err == nil {
		t.Errorf("a sandbox order went into the real journal")
	}
	go io.Copy(io.Discard, stdout)
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit: %v; stderr %s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox did not stop on SIGTERM")
	}
	// Requests are logged only with --log: nothing per request on stderr.
	if strings.Contains(stderr.String(), "/v1/light-instances") {
		t.Errorf("request logged without --log: %s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "flexusl sandbox stopped") {
		t.Errorf("stderr %q", stderr.String())
	}
}

// The export line of a sandbox started with a token a shell would
// misread: evaluated as README says, it sets exactly that token (and the
// sandbox accepts it); a token with a control character is refused.
func TestSandboxExportLineQuoted(t *testing.T) {
	token := "it's a $(touch pwned) token"
	cmd := exec.Command(filepath.Join(binDirE2E, "flexusl"), "sandbox", "--listen", "127.0.0.1:0", "--token", token)
	cmd.Dir = t.TempDir()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	sh := exec.Command("sh", "-c", `eval "$LINE"; printf '%s\n%s' "$FLEXUSL_TOKEN" "$FLEXUSL_RMS_ENDPOINT"`)
	sh.Dir = cmd.Dir
	sh.Env = append(sh.Environ(), "LINE="+line)
	out, err := sh.CombinedOutput()
	got := strings.SplitN(string(out), "\n", 2)
	if err != nil || len(got) != 2 || got[0] != token || !strings.HasPrefix(got[1], "http://127.0.0.1:") {
		t.Fatalf("%q: %v %q", line, err, out)
	}
	if _, err := os.Stat(filepath.Join(cmd.Dir, "pwned")); err == nil {
		t.Fatal("evaluating the export line ran a command")
	}
	req, _ := http.NewRequest("GET", got[1]+"/v3/projects", nil)
	req.Header.Set("X-Auth-Token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	resp.Body.Close()

	bad := exec.Command(filepath.Join(binDirE2E, "flexusl"), "sandbox", "--listen", "127.0.0.1:0", "--token", "a\nexport X=1")
	out, err = bad.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "--token holds a control character") {
		t.Errorf("%v %s", err, out)
	}
}
