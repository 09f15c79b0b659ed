package instancecmd_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
)

const goodPassword = "Xk7-pq9.Lm2w"

// Every password rule: exit 2, the rule named, zero requests of any kind
// (not even the RMS listing), and the password nowhere in the output.
func TestResetPasswordRulesSendNothing(t *testing.T) {
	for _, tc := range []struct {
		name, password, rule string
	}{
		{"short", "Xk7-pq9", "length: 8 to 26 characters are required; it has 7"},
		{"long", "Xk7-pq9.Lm2Xk7-pq9.Lm2Xk7-p", "length: 8 to 26 characters are required; it has 27"},
		{"space", "Xk7 pq9.Lm2w", "allowed characters:"},
		{"forbidden", "Xk7#pq9.Lm2w", "forbidden characters:"},
		{"Chinese", "Xk7-pq9.Lm2中", "forbidden characters:"},
		{"classes", "xk7pq9lm2wzz", "character classes:"},
		{"root", "Xk7-root.Lm2", "root or Administrator:"},
		{"reversed", "Xk7-toor.Lm2", "root or Administrator:"},
		{"sequence", "Xk7-min.Lm2w", "Administrator sequence:"},
		{"empty", "", "no password could be read"},
		{"over 1 MiB", strings.Repeat("Xk7-pq9.", (1<<20)/8+1), "the first line of stdin is over 1 MiB: not a password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCloud(t, 1, "ap-southeast-3")
			r := c.run(t, false, tc.password+"\n", "", "instance", "reset-password", "web-1", "--password-stdin", "--yes", "--debug")
			if tc.password == "" {
				r = c.run(t, false, "", "", "instance", "reset-password", "web-1", "--password-stdin", "--yes", "--debug")
			}
			if r.code != 2 || !strings.Contains(r.err, tc.rule) || !strings.Contains(r.err, "nothing was sent") {
				t.Fatalf("exit %d: %s", r.code, r.err)
			}
			if n := len(c.all()); n != 0 {
				t.Errorf("%d requests", n)
			}
			if len(tc.password) > 0 && strings.Contains(r.out+r.err, tc.password) {
				t.Errorf("the password was printed:\n%s%s", r.out, r.err)
			}
		})
	}
}

// A valid reset: one request per region, the password in the request body
// only: not on stdout, not on stderr with --debug, not in the journal.
func TestResetPassword(t *testing.T) {
	c := newCloud(t, 3, "ap-southeast-3", "tr-west-1")
	r := c.run(t, false, goodPassword+"\n", "", "instance", "reset-password", "web-1", "web-2", "web-3", "--password-stdin", "--yes", "--debug", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	puts := c.requests("PUT", "/os-reset-passwords")
	if len(puts) != 2 {
		t.Fatalf("%d resets", len(puts))
	}
	for _, p := range puts {
		if !strings.HasPrefix(p.Body, `{"new_password":"`+goodPassword+`","servers":[`) || !p.Journaled {
			t.Errorf("%s journaled=%v", p.Body, p.Journaled)
		}
	}
	if strings.Contains(r.out+r.err, goodPassword) {
		t.Errorf("the password was printed:\n%s\n%s", r.out, r.err)
	}
	if !strings.Contains(r.err, "takes effect after the server is started or restarted") {
		t.Errorf("no word on when it takes effect: %s", r.err)
	}
	data, _ := os.ReadFile(c.journal)
	if strings.Contains(string(data), goodPassword) || !strings.Contains(string(data), "os-reset-passwords") {
		t.Errorf("journal:\n%s", data)
	}
	var rs []map[string]string
	json.Unmarshal([]byte(r.out), &rs)
	if len(rs) != 3 {
		t.Fatalf("%s", r.out)
	}
	for _, x := range rs {
		if x["status"] != "succeeded" || x["server_id"] == "" || x["error"] != "" {
			t.Errorf("%v", x)
		}
	}
}

func TestResetPasswordConfirmation(t *testing.T) {
	t.Run("no terminal, no --yes", func(t *testing.T) {
		c := newCloud(t, 1, "ap-southeast-3")
		r := c.run(t, false, goodPassword+"\n", "", "instance", "reset-password", "web-1", "--password-stdin")
		if r.code != 2 || !strings.Contains(r.err, "pass --yes") || len(c.all()) != 0 {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
	})
	t.Run("no terminal, no --password-stdin", func(t *testing.T) {
		c := newCloud(t, 1, "ap-southeast-3")
		r := c.run(t, false, "", "", "instance", "reset-password", "web-1", "--yes")
		if r.code != 2 || !strings.Contains(r.err, "--password-stdin") || len(c.all()) != 0 {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
	})
	t.Run("terminal: asked twice, instances named, confirmed", func(t *testing.T) {
		c := newCloud(t, 2, "ap-southeast-3")
		r := c.run(t, true, "y\n", goodPassword, "instance", "reset-password", "web-1", "web-2")
		if r.code != 0 || !strings.Contains(r.err, "New password: ") || !strings.Contains(r.err, "Repeat the new password: ") ||
			!strings.Contains(r.err, "6743d0e3708be6007b8c0001  web-1  ap-southeast-3") || !strings.Contains(r.err, "Reset the password? [y/N]") {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
		if len(c.requests("PUT", "/os-reset-passwords")) != 1 || strings.Contains(r.out+r.err, goodPassword) {
			t.Error("not sent once, or the password printed")
		}
	})
	t.Run("terminal: declined", func(t *testing.T) {
		c := newCloud(t, 1, "ap-southeast-3")
		r := c.run(t, true, "n\n", goodPassword, "instance", "reset-password", "web-1")
		if r.code != 2 || !strings.Contains(r.err, "cancelled: nothing was sent") || len(c.requests("PUT", "")) != 0 {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
	})
	t.Run("terminal: a weak first entry is refused at once and asked again", func(t *testing.T) {
		c := newCloud(t, 1, "ap-southeast-3")
		r := c.run(t, true, "y\n", "password\n"+goodPassword+"\n"+goodPassword, "instance", "reset-password", "web-1")
		if r.code != 0 || !strings.Contains(r.err, "character classes") || !strings.Contains(r.err, "Try again.") ||
			strings.Count(r.err, "New password: ") != 2 || strings.Count(r.err, "Repeat the new password: ") != 1 {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
		if len(c.requests("PUT", "/os-reset-passwords")) != 1 {
			t.Error("not sent once")
		}
		// The restart it needs, for the instance it was reset on.
		if !strings.Contains(r.err, "flexusl instance reboot 6743d0e3708be6007b8c0001\n") {
			t.Errorf("no reboot command naming the instance: %s", r.err)
		}
	})
	t.Run("terminal: weak three times: refused, never asked to repeat it", func(t *testing.T) {
		c := newCloud(t, 1, "ap-southeast-3")
		r := c.run(t, true, "y\n", "password", "instance", "reset-password", "web-1")
		if r.code != 2 || strings.Count(r.err, "New password: ") != 3 || strings.Contains(r.err, "Repeat") || len(c.all()) != 0 {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
	})
	t.Run("terminal: weak password, nothing sent", func(t *testing.T) {
		c := newCloud(t, 1, "ap-southeast-3")
		r := c.run(t, true, "y\n", "password", "instance", "reset-password", "web-1")
		if r.code != 2 || !strings.Contains(r.err, "character classes") || len(c.all()) != 0 {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
	})
}

func TestResetPasswordFailures(t *testing.T) {
	t.Run("500: unknown, sent once", func(t *testing.T) {
		c := newCloud(t, 1, "ap-southeast-3")
		c.answer = func(n int, w http.ResponseWriter) bool { w.WriteHeader(500); return true }
		r := c.run(t, false, goodPassword+"\n", "", "instance", "reset-password", "web-1", "--password-stdin", "--yes", "-o", "json")
		if r.code != 1 || len(c.requests("PUT", "")) != 1 || !strings.Contains(r.err, "outcome is unknown") || strings.Contains(r.out+r.err, goodPassword) {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
		if !strings.Contains(r.out, `"status": "unknown"`) {
			t.Errorf("%s", r.out)
		}
	})
	t.Run("Ecs.0114 for the batch: the hint names the instance", func(t *testing.T) {
		c := newCloud(t, 1, "ap-southeast-3")
		c.answer = func(n int, w http.ResponseWriter) bool {
			w.WriteHeader(404)
			io.WriteString(w, `{"error":{"code":"Ecs.0114","message":"Instance could not be found."}}`)
			return true
		}
		r := c.run(t, false, goodPassword+"\n", "", "instance", "reset-password", "web-1", "--password-stdin", "--yes")
		if r.code != 1 || !strings.Contains(r.err, "check it with `flexusl instance show 6743d0e3708be6007b8c0001`") {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
	})
	t.Run("internalError names one server", func(t *testing.T) {
		c := newCloud(t, 2, "ap-southeast-3")
		c.answer = func(n int, w http.ResponseWriter) bool {
			w.WriteHeader(404)
			io.WriteString(w, `{"error":{"code":"Ecs.0114","message":"Instance could not be found."},"internalError":[{"id":"72a270de-665a-4f46-8d64-000000000002","error_code":"Ecs.0114","error_message":"Instance[...] could not be found."}]}`)
			return true
		}
		r := c.run(t, false, goodPassword+"\n", "", "instance", "reset-password", "web-1", "web-2", "--password-stdin", "--yes", "-o", "json")
		if r.code != 1 {
			t.Fatalf("exit %d: %s", r.code, r.err)
		}
		var rs []map[string]string
		json.Unmarshal([]byte(r.out), &rs)
		if rs[0]["status"] != "unknown" || rs[1]["status"] != "failed" || !strings.HasPrefix(rs[1]["error"], "Ecs.0114") {
			t.Errorf("%v", rs)
		}
	})
}

// Each UpdateServer field's rules, named with the flag; nothing sent.
func TestUpdateRulesSendNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"nothing to change", nil, "--server-name/--description/--hostname (server): is required"},
		{"name too long", []string{"--server-name", strings.Repeat("n", 65)}, "--server-name (server.name)"},
		{"name empty", []string{"--server-name", ""}, `--server-name (server.name) "": has 0 characters; 1 to 64 are allowed`},
		{"name Chinese", []string{"--server-name", "服务器"}, "no Chinese characters"},
		{"description long", []string{"--description", strings.Repeat("d", 86)}, "--description (server.description)"},
		{"description angle", []string{"--description", "<b>"}, "must not contain < or >"},
		{"hostname dots", []string{"--hostname", "a..b"}, `--hostname (server.hostname) "a..b": must not contain ".."`},
		{"hostname underscore", []string{"--hostname", "a_b"}, `holds '_'`},
		{"hostname edge", []string{"--hostname", "-ab"}, "must not start or end with . or -"},
		{"two instances", []string{"web-2", "--hostname", "ok"}, "takes an instance ID or name, got 2 arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCloud(t, 1, "ap-southeast-3")
			r := c.run(t, false, "", "", append([]string{"instance", "update", "web-1"}, tc.args...)...)
			if r.code != 2 || !strings.Contains(r.err, tc.want) {
				t.Fatalf("exit %d: %s", r.code, r.err)
			}
			if n := len(c.all()); n != 0 {
				t.Errorf("%d requests", n)
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	c := newCloud(t, 2, "ap-southeast-3", "tr-west-1")
	r := c.run(t, false, "", "", "instance", "update", "web-2", "--hostname", "web-1a", "--description", "shop front", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	puts := c.requests("PUT", "/cloudservers/72a270de-665a-4f46-8d64-000000000002")
	if len(puts) != 1 || puts[0].Path != "/v1/proj-tr-west-1/cloudservers/72a270de-665a-4f46-8d64-000000000002" ||
		puts[0].Body != `{"server":{"hostname":"web-1a","description":"shop front"}}` || !puts[0].Journaled {
		t.Fatalf("%+v", puts)
	}
	var v map[string]string
	if err := json.Unmarshal([]byte(r.out), &v); err != nil {
		t.Fatal(err, r.out)
	}
	for k, want := range map[string]string{"id": "6743d0e3708be6007b8c0002", "name": "web-2", "region": "tr-west-1", "server_id": "72a270de-665a-4f46-8d64-000000000002",
		"hostname": "web-1a", "description": "shop front", "status": "ACTIVE", "server_name": "srv", "updated": "2024-11-26T02:14:40Z"} {
		if v[k] != want {
			t.Errorf("%s = %q, want %q", k, v[k], want)
		}
	}
	if !strings.Contains(r.err, "takes effect after the server is restarted") {
		t.Errorf("no restart note: %s", r.err)
	}
	// An empty description is sent: it clears it.
	r = c.run(t, false, "", "", "instance", "update", "web-1", "--description", "")
	if puts := c.requests("PUT", "/cloudservers/72a270de-665a-4f46-8d64-000000000001"); r.code != 0 || puts[0].Body != `{"server":{"description":""}}` {
		t.Fatalf("exit %d %s %+v", r.code, r.err, puts)
	}
	if !strings.Contains(r.out, "SERVER NAME") {
		t.Errorf("table: %s", r.out)
	}
}
