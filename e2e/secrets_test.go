package e2e

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/cmd"
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/sandbox"
	"github.com/flexusl/flexusl/pkg/service"
	"github.com/flexusl/flexusl/pkg/ui"
	"github.com/spf13/cobra"
)

// Arguments for every runnable command. A command missing here fails the
// test, so new commands get checked too.
var secretCaseArgs = map[string][]string{
	"flexusl instance buy":          {"--region", "ap-southeast-3", "--name", "w", "--image", "BT", "--spec", "hf.large.1.30m.linux", "--auto-pay", "--yes", "--wait", "--interval", "100ms"},
	"flexusl instance list":         nil,
	"flexusl instance show":         {"web-0001"},
	"flexusl instance ssh":          {"web-0001", "--", "-v"}, // a fake ssh on PATH
	"flexusl order show":            {"--last"},
	"flexusl order wait":            {"--last", "--interval", "100ms"},
	"flexusl order list":            {"--refresh"},
	"flexusl order pay":             {"--last", "--yes"},
	"flexusl order cancel":          {"--last", "--yes"},
	"flexusl instance renew":        {"sec-0003", "--period", "1", "--yes"},
	"flexusl instance delete":       {"sec-0002", "--yes"},
	"flexusl instance auto-renew":   {"sec-0001", "on"},
	"flexusl apply":                 {"-f", filepath.Join(repoRoot, "configs", "fleet.example.yaml"), "--yes", "--wait", "--interval", "100ms", "--timeout", "10s"},
	"flexusl instance traffic":      nil,
	"flexusl specs list":            nil,
	"flexusl images list":           nil,
	"flexusl regions list":          nil,
	"flexusl version":               nil,
	"flexusl auth login":            {"--region", "ap-southeast-3", "--account", "a", "--user", "u", "--password-stdin"},
	"flexusl auth status":           nil,
	"flexusl auth logout":           nil,
	"flexusl config list":           nil,
	"flexusl config get":            {"secret_key"},
	"flexusl config set":            {"secret_key", "-"},
	"flexusl config unset":          {"output"},
	"flexusl config profiles":       nil,
	"flexusl config use":            {"default"},
	"flexusl config delete":         {"nosuch"},
	"flexusl config path":           nil,
	"flexusl config init":           nil,
	"flexusl sandbox":               {"--listen", "127.0.0.1:0"},
	"flexusl help":                  {"instance", "buy"},
	"flexusl completion bash":       nil,
	"flexusl completion zsh":        nil,
	"flexusl completion fish":       nil,
	"flexusl completion powershell": nil,
}

// Arguments for the server operations (instance start|stop|reboot|
// reset-password|update, job wait): web-0001 is an instance the sandbox
// provisions for the walk.
var secretCaseArgsECS = map[string][]string{
	"flexusl instance start":          {"web-0001", "--interval", "100ms", "--timeout", "5s"},
	"flexusl instance stop":           {"web-0001", "--type", "hard", "--interval", "100ms", "--timeout", "5s"},
	"flexusl instance reboot":         {"web-0001", "--no-wait"},
	"flexusl instance reset-password": {"web-0001", "--password-stdin", "--yes"},
	"flexusl instance update":         {"web-0001", "--description", "walked"},
	"flexusl job wait":                {"ff80808290c6b7b60191ef522de6257b", "--region", "ap-southeast-3", "--timeout", "1s"},
	"flexusl job show":                {"ff80808290c6b7b60191ef522de6257b", "--region", "ap-southeast-3"},
	"flexusl job list":                {},
	"flexusl firewall list":           {"web-0001"},
	"flexusl firewall allow":          {"web-0001", "--port", "22", "--yes"},
	"flexusl firewall deny":           {"web-0001", "--port", "23", "--yes"},
	"flexusl firewall delete":         {"7c1e0a9b-3d2f-4e5a-8b6c-9d0e1f2a3b4c", "--region", "ap-southeast-3", "--yes"},
}

func leafCommands(c *cobra.Command) []string {
	var out []string
	for _, s := range c.Commands() {
		if s.Hidden {
			continue
		}
		if s.HasSubCommands() {
			out = append(out, leafCommands(s)...)
		} else if s.Runnable() { // help topics such as exit-codes do not run
			out = append(out, s.CommandPath())
		}
	}
	return out
}

func TestNoCommandPrintsSecrets(t *testing.T) {
	const (
		tok = "secret-token-MIIatAYJ-0042"
		ak  = "AKIDLEAKTEST0000WXYZ"
		sk  = "secret-key-never-shown-9f8e"
		// newPassword is the root password instance reset-password sets.
		newPassword = "Walk-9x.Pq7Z"
	)
	s, err := sandbox.New(sandbox.Options{Token: tok, AccessKey: ak, SecretKey: sk, CompleteAfter: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Provision(sandbox.ProvisionRequest{Count: 1, Name: "web"}); err != nil {
		t.Fatal(err)
	}
	s.SetJobAfter(100 * time.Millisecond)
	srv := httptest.NewServer(s)
	defer srv.Close()
	// The money commands act on their own instances (sec-0001...).
	if _, err := s.Provision(sandbox.ProvisionRequest{Count: 3, Name: "sec"}); err != nil {
		t.Fatal(err)
	}
	// instance ssh execs the ssh on PATH: a fake one that prints its
	// arguments.
	fakeBin := t.TempDir()
	if err := os.WriteFile(filepath.Join(fakeBin, "ssh"), []byte("#!/bin/sh\necho \"ssh $*\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}

	io, _, _, _ := ui.Test()
	root := cmd.NewRootCmd(&cmdutil.Factory{IO: io, Getenv: func(string) string { return "" }})
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	leaves := leafCommands(root)
	if len(leaves) < 20 {
		t.Fatalf("only %d commands found: %v", len(leaves), leaves)
	}
	for _, mode := range []string{"token", "aksk"} {
		dir := t.TempDir()
		env := append(append(os.Environ(), service.EnvList(srv.URL)...), "PATH="+fakeBin+string(os.PathListSeparator)+os.Getenv("PATH"),
			"FLEXUSL_TOKEN="+tok, "FLEXUSL_ACCESS_KEY="+ak, "FLEXUSL_SECRET_KEY="+sk, "FLEXUSL_AUTH_MODE="+mode,
			"HOME="+dir, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "XDG_STATE_HOME="+filepath.Join(dir, "state"))
		for _, path := range leaves {
			args, ok := secretCaseArgs[path]
			if !ok {
				args, ok = secretCaseArgsECS[path]
			}
			if !ok {
				t.Errorf("no case for %q: add one to secretCaseArgs", path)
				continue
			}
			t.Run(mode+"/"+path, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				full := append(append(strings.Fields(path)[1:], args...), "--debug")
				c := exec.CommandContext(ctx, filepath.Join(binDirE2E, "flexusl"), full...)
				c.Env = env
				stdin := "sandbox\n" // the IAM password
				if path == "flexusl config set" {
					stdin = sk + "\n" // a secret written through stdin is never echoed
				}
				if path == "flexusl instance reset-password" {
					stdin = newPassword + "\n" // valid by ECS's rules: it is sent
				}
				c.Stdin = strings.NewReader(stdin)
				var out []byte
				if path == "flexusl sandbox" { // serves until interrupted
					var buf strings.Builder
					c.Stdout, c.Stderr = &buf, &buf
					if err := c.Start(); err != nil {
						t.Fatal(err)
					}
					time.Sleep(500 * time.Millisecond)
					c.Process.Signal(os.Interrupt)
					c.Wait()
					out = []byte(buf.String())
				} else {
					out, _ = c.CombinedOutput()
				}
				for name, secret := range map[string]string{"token": tok, "secret key": sk, "access key": ak, "new server password": newPassword} {
					if strings.Contains(string(out), secret) {
						t.Errorf("%s %v printed the %s:\n%s", path, full, name, out)
					}
				}
			})
		}
	}
}
