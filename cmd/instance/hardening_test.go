package instancecmd_test

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
)

// Instance names come from RMS: the reset-password confirmation shows
// them with control characters escaped.
func TestResetPasswordConfirmationEscapesNames(t *testing.T) {
	c := newCloud(t, 1, "ap-southeast-3")
	c.instances[0].name = "web\x1b[2J\x1b[Hok\u009b31m"
	r := c.run(t, true, "n\n", goodPassword, "instance", "reset-password", "6743d0e3708be6007b8c0001")
	if r.code != 2 || !strings.Contains(r.err, "6743d0e3708be6007b8c0001  web^[[2J^[[Hok^[[31m  ap-southeast-3") {
		t.Fatalf("exit %d: %q", r.code, r.err)
	}
	noControls(t, "confirmation", r.err)
}

// ECS echoing the new password JSON-escaped (\/, \u0021), URL-escaped in a
// header, in a 5xx body or in a refusal naming the server: the password
// reaches neither stdout (the table), stderr (errors, --debug) nor the
// journal, in any encoding. Before: JSON escapes were decoded into the
// error text and the table in plain text.
func TestResetPasswordEchoedInAnyEncodingIsRedacted(t *testing.T) {
	const pw = "Xk7/pq9!Lm2w"
	jsonEsc, urlEsc := `Xk7\/pq9\u0021Lm2w`, "Xk7%2Fpq9%21Lm2w"
	for name, answer := range map[string]func(w http.ResponseWriter){
		"500 JSON-escaped": func(w http.ResponseWriter) {
			w.Header().Set("X-Echo", urlEsc)
			w.WriteHeader(500)
			io.WriteString(w, `{"error":{"code":"Ecs.0000","message":"adminPass `+jsonEsc+` rejected"}}`)
		},
		"400 naming the server": func(w http.ResponseWriter) {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":{"code":"Ecs.0005","message":"`+jsonEsc+`"},"internalError":[{"id":"72a270de-665a-4f46-8d64-000000000001","error_code":"Ecs.0020","error_message":"new password `+jsonEsc+` too weak"}]}`)
		},
		"302 Location": func(w http.ResponseWriter) {
			w.Header().Set("Location", "https://x.example/?adminPass="+urlEsc)
			w.WriteHeader(302)
		},
	} {
		t.Run(name, func(t *testing.T) {
			c := newCloud(t, 1, "ap-southeast-3")
			c.answer = func(_ int, w http.ResponseWriter) bool { answer(w); return true }
			for _, format := range []string{"table", "json"} {
				r := c.run(t, false, pw+"\n", "", "instance", "reset-password", "web-1", "--password-stdin", "--yes", "--debug", "-o", format)
				if r.code == 0 {
					t.Fatalf("exit 0: %s", r.err)
				}
				if !strings.Contains(r.err, "> PUT ") || !strings.Contains(r.err, "[body redacted") {
					t.Fatalf("-o %s: no --debug dump of the reset to check:\n%s", format, r.err)
				}
				journal, _ := os.ReadFile(c.journal)
				for where, text := range map[string]string{"stdout": r.out, "stderr": r.err, "journal": string(journal)} {
					for _, form := range []string{pw, jsonEsc, urlEsc, "pq9!Lm2w", `pq9\u0021`, `pq9\\u0021`} {
						if strings.Contains(text, form) {
							t.Errorf("-o %s: the password (as %q) reached %s:\n%s", format, form, where, text)
						}
					}
				}
			}
		})
	}
}

// RMS's project_id goes into ECS paths: one that is not an ID ("..",
// "a/b", ESC) is refused before anything is sent to ECS, by show, ssh and
// the server actions alike. Before: `instance show` sent
// GET /v1/../cloudservers/... .
func TestProjectIDFromRMSIsChecked(t *testing.T) {
	for _, bad := range []string{"..", "p/../../v3", "p\x1b[2J"} {
		for _, args := range [][]string{{"instance", "show", "web-1"}, {"instance", "ssh", "web-1"}, {"instance", "stop", "web-1", "--no-wait"}} {
			c := newCloud(t, 1, "ap-southeast-3")
			c.instances[0].project = bad
			r := c.run(t, false, "", "", args...)
			if r.code == 0 {
				t.Errorf("%v with project_id %q: exit 0", args, bad)
			}
			for _, s := range c.all() {
				if strings.Contains(s.Path, "cloudservers") || strings.Contains(s.Path, "..") { // ECS: needs the project ID
					t.Errorf("%v with project_id %q: sent %s %s", args, bad, s.Method, s.Path)
				}
			}
			if args[1] == "stop" && r.code != 2 { // refused by the plan, as before
				t.Errorf("%v with project_id %q: exit %d\n%s", args, bad, r.code, r.err)
			}
			noControls(t, strings.Join(args, " "), r.out+r.err)
		}
	}
}
