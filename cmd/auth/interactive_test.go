package authcmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/api/apitest"
	"github.com/flexusl/flexusl/pkg/config"
)

type result struct {
	out, err string
	code     int
}

// runTTY runs with every stream a terminal, stdin answering prompts and
// the password read without echo supplied by password; reg answers the
// API calls.
func runTTY(t *testing.T, reg *apitest.Registry, env map[string]string, stdin, password string, args ...string) result {
	t.Helper()
	r := cmdtest.Run(t, cmdtest.Options{Env: env, TTY: true, Stdin: stdin, Password: password, Reg: reg}, args...)
	return result{r.Out, r.Err, r.Code}
}

// tokenRequest matches an IAM token request with exactly the body a
// password sign-in sends (project-scoped for region, else account-scoped).
func tokenRequest(t *testing.T, account, user, password, region string) apitest.Matcher {
	req := api.NewDomainTokenRequest(account, user, password)
	if region != "" {
		req = api.NewTokenRequest(account, user, password, region)
	}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return apitest.Body("POST", "/v3/auth/tokens", b)
}

// issued answers a token request with IAM's documented body and the token
// in X-Subject-Token.
func issued(t *testing.T, token, wire string) apitest.Responder {
	return apitest.WithHeader(apitest.Wire(t, 201, wire), "X-Subject-Token", token)
}

const password = "sandbox" // any password: the stubs check it is the one sent

func TestAuthLoginPromptsOnTerminal(t *testing.T) {
	reg := apitest.New(t)
	reg.Register(tokenRequest(t, "myaccount", "myuser", password, "sa-brazil-1"), issued(t, "issued-token-SECRET.sa-brazil-1", "iam/token.response.json"))
	reg.Register(tokenRequest(t, "myaccount", "myuser", password, ""), issued(t, "issued-token-SECRET.domain", "iam/token.domain.response.json"))
	path := filepath.Join(t.TempDir(), "flexusl", "config.yaml")
	env := map[string]string{"FLEXUSL_CONFIG": path, "FLEXUSL_REGION": "sa-brazil-1"}
	r := runTTY(t, reg, env, "myaccount\nmyuser\n", password, "auth", "login")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, q := range []string{"Account name: ", "User name: ", "Password: "} {
		if !strings.Contains(r.err, q) {
			t.Errorf("no %q prompt on stderr: %q", q, r.err)
		}
	}
	if strings.Contains(r.out+r.err, "issued-token-SECRET") || strings.Contains(r.out+r.err, password+"\n") {
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
	reg.Register(tokenRequest(t, "myaccount", "myuser", "wrong", "sa-brazil-1"), apitest.Wire(t, 401, "iam/error.json"))
	r = runTTY(t, reg, env, "myaccount\nmyuser\n", "wrong", "auth", "login")
	if r.code != 3 {
		t.Errorf("wrong password: exit %d %s", r.code, r.err)
	}
}

// --password-stdin whose first line is over 1 MiB: exit 2 with a clear
// error, nothing sent, nothing of it echoed; one just under is read
// (issue 18, item 12).
func TestAuthLoginPasswordStdinOverOneMiB(t *testing.T) {
	reg := apitest.New(t)
	env := map[string]string{"FLEXUSL_CONFIG": filepath.Join(t.TempDir(), "config.yaml"), "FLEXUSL_REGION": "tr-west-1"}
	login := func(stdin string) result {
		r := cmdtest.Run(t, cmdtest.Options{Env: env, Stdin: stdin, Reg: reg}, "auth", "login", "--account", "a", "--user", "u", "--password-stdin")
		return result{r.Out, r.Err, r.Code}
	}
	big := strings.Repeat("Xk7-pq9.", (1<<20)/8+1)
	r := login(big + "\n")
	if r.code != 2 || !strings.Contains(r.err, "--password-stdin: the first line of stdin is over 1 MiB: not a password (nothing was sent)") ||
		strings.Contains(r.out+r.err, "Xk7-pq9.Xk7") {
		t.Errorf("exit %d: %.300s", r.code, r.err)
	}
	if n := len(reg.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	// Without a newline too.
	if r := login(big); r.code != 2 || !strings.Contains(r.err, "over 1 MiB") {
		t.Errorf("exit %d: %.300s", r.code, r.err)
	}
	// A line of exactly 1 MiB is read and sent, whole (IAM refuses it).
	reg.Register(tokenRequest(t, "a", "u", big[:1<<20-1], "tr-west-1"), apitest.Wire(t, 401, "iam/error.json"))
	if r := login(big[:1<<20-1] + "\n"); r.code != 3 || len(reg.Requests()) != 1 {
		t.Errorf("exit %d: %.300s (%d requests)", r.code, r.err, len(reg.Requests()))
	}
}
