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
func runTTY(t *testing.T, env map[string]string, stdin, password string, args ...string) result {
	t.Helper()
	r := cmdtest.Run(t, cmdtest.Options{Env: env, TTY: true, Stdin: stdin, Password: password}, args...)
	return result{r.Out, r.Err, r.Code}
}

func TestConfigInitWizard(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	env := map[string]string{"FLEXUSL_CONFIG": path}
	// A typo'd region is asked again; then output, then AK/SK with the secret hidden.
	r := runTTY(t, env, "ap-southeast-9\ntr-west-1\njson\naksk\nAKIDINITTEST0001\n", "init-secret-value", "config", "init", "--profile", "ci")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if !strings.Contains(r.err, "did you mean") || strings.Contains(r.out+r.err, "init-secret-value") {
		t.Errorf("stderr %s", r.err)
	}
	data, _ := os.ReadFile(path)
	f, _ := config.ParseFile(data)
	p := f.Profiles["ci"]
	if p["region"] != "tr-west-1" || p["output"] != "json" || p["auth_mode"] != "aksk" || p["access_key"] != "AKIDINITTEST0001" || p["secret_key"] != "init-secret-value" || f.ActiveProfile != "ci" {
		t.Errorf("saved %+v", f)
	}
	r = runTTY(t, env, "", "", "auth", "status", "--profile", "ci")
	if r.code != 0 || !strings.Contains(r.out, "AKID****0001") || strings.Contains(r.out, "init-secret-value") {
		t.Errorf("auth status: %d %s %s", r.code, r.out, r.err)
	}
}
