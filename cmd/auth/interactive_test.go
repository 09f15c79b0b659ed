package authcmd_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/sandbox"
	"github.com/flexusl/flexusl/pkg/ui"
)

// runTTY runs with every stream a terminal, stdin answering prompts and
// the password read without echo supplied by password.
func runTTY(t *testing.T, env map[string]string, stdin, password string, args ...string) result {
	t.Helper()
	io, in, out, errOut := ui.Test()
	io.SetTTY(true, true, true)
	io.SetPasswordReader(func(int) ([]byte, error) { return []byte(password), nil })
	in.WriteString(stdin)
	f := &cmdutil.Factory{IO: io, Getenv: func(k string) string { return env[k] }}
	code := Run(context.Background(), f, args)
	return result{out.String(), errOut.String(), code}
}

func TestAuthLoginPromptsOnTerminal(t *testing.T) {
	s, _ := sandbox.New(sandbox.Options{Token: "issued-token-SECRET"})
	srv := httptest.NewServer(s)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "flexusl", "config.yaml")
	env := map[string]string{"FLEXUSL_CONFIG": path, "FLEXUSL_IAM_ENDPOINT": srv.URL, "FLEXUSL_REGION": "sa-brazil-1"}
	r := runTTY(t, env, "myaccount\nmyuser\n", sandbox.DefaultPassword, "auth", "login")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, q := range []string{"Account name: ", "User name: ", "Password: "} {
		if !strings.Contains(r.err, q) {
			t.Errorf("no %q prompt on stderr: %q", q, r.err)
		}
	}
	if strings.Contains(r.out+r.err, "issued-token-SECRET") || strings.Contains(r.out+r.err, sandbox.DefaultPassword+"\n") {
		t.Errorf("secret printed:\n%s\n%s", r.out, r.err)
	}
	data, _ := os.ReadFile(path)
	f, err := config.ParseFile(data)
	if err != nil || !strings.HasPrefix(f.Profiles["default"]["token"], "issued-token-SECRET.") || f.Profiles["default"]["token_region"] != "sa-brazil-1" {
		t.Errorf("stored %v %v", f, err)
	}
	if _, ok := f.Profiles["default"]["region"]; ok {
		t.Error("the environment's region was written to the file")
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %o", st.Mode().Perm())
	}
	// Bad password: exit 3.
	r = runTTY(t, env, "myaccount\nmyuser\n", "wrong", "auth", "login")
	if r.code != 3 {
		t.Errorf("wrong password: exit %d %s", r.code, r.err)
	}
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

// --password-stdin whose first line is over 1 MiB: exit 2 with a clear
// error, nothing sent, nothing of it echoed; one just under is read
// (issue 18, item 12).
func TestAuthLoginPasswordStdinOverOneMiB(t *testing.T) {
	s, _ := sandbox.New(sandbox.Options{})
	srv := httptest.NewServer(s)
	defer srv.Close()
	env := map[string]string{"FLEXUSL_CONFIG": filepath.Join(t.TempDir(), "config.yaml"), "FLEXUSL_IAM_ENDPOINT": srv.URL, "FLEXUSL_REGION": "tr-west-1"}
	login := func(stdin string) result {
		io, in, out, errOut := ui.Test()
		in.WriteString(stdin)
		f := &cmdutil.Factory{IO: io, Getenv: func(k string) string { return env[k] }}
		code := Run(context.Background(), f, []string{"auth", "login", "--account", "a", "--user", "u", "--password-stdin"})
		return result{out.String(), errOut.String(), code}
	}
	big := strings.Repeat("Xk7-pq9.", (1<<20)/8+1)
	r := login(big + "\n")
	if r.code != 2 || !strings.Contains(r.err, "--password-stdin: the first line of stdin is over 1 MiB: not a password (nothing was sent)") ||
		strings.Contains(r.out+r.err, "Xk7-pq9.Xk7") {
		t.Errorf("exit %d: %.300s", r.code, r.err)
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	// Without a newline too.
	if r := login(big); r.code != 2 || !strings.Contains(r.err, "over 1 MiB") {
		t.Errorf("exit %d: %.300s", r.code, r.err)
	}
	// A line of exactly 1 MiB is read and sent (IAM refuses it).
	if r := login(big[:1<<20-1] + "\n"); r.code != 3 || len(s.Requests()) != 1 {
		t.Errorf("exit %d: %.300s (%d requests)", r.code, r.err, len(s.Requests()))
	}
}
