package configcmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	"github.com/flexusl/flexusl/pkg/config"
)

// runTTY runs with every stream a terminal, stdin answering prompts and
// the password read without echo supplied by password.
func runTTY(t *testing.T, env map[string]string, stdin, password string, args ...string) cmdtest.Result {
	t.Helper()
	return cmdtest.Run(t, cmdtest.Options{Env: env, TTY: true, Stdin: stdin, Password: password}, args...)
}

func TestConfigInitWizard(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	env := map[string]string{"FLEXUSL_CONFIG": path}
	// A typo'd region is asked again; then output, then AK/SK with the secret hidden.
	r := runTTY(t, env, "ap-southeast-9\ntr-west-1\njson\naksk\nAKIDINITTEST0001\n", "init-secret-value", "config", "init", "--profile", "ci")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Err)
	}
	if !strings.Contains(r.Err, "did you mean") || strings.Contains(r.Out+r.Err, "init-secret-value") {
		t.Errorf("stderr %s", r.Err)
	}
	data, _ := os.ReadFile(path)
	f, _ := config.ParseFile(data)
	p := f.Profiles["ci"]
	if p["region"] != "tr-west-1" || p["output"] != "json" || p["auth_mode"] != "aksk" || p["access_key"] != "AKIDINITTEST0001" || p["secret_key"] != "init-secret-value" || f.ActiveProfile != "ci" {
		t.Errorf("saved %+v", f)
	}
	r = runTTY(t, env, "", "", "auth", "status", "--profile", "ci")
	if r.Code != 0 || !strings.Contains(r.Out, "AKID****0001") || strings.Contains(r.Out, "init-secret-value") {
		t.Errorf("auth status: %d %s %s", r.Code, r.Out, r.Err)
	}
}
