package instancecmd_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// When the journal cannot be written, no ECS call that changes a server
// is sent, and each command says why.
func TestECSCallsNotSentWithoutJournal(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"stop", "", []string{"instance", "stop", "web-1", "web-2"}, "stop servers in ap-southeast-3: could not write the journal"},
		{"reset-password", goodPassword + "\n", []string{"instance", "reset-password", "web-1", "--password-stdin", "--yes"}, "reset passwords in ap-southeast-3: could not write the journal"},
		{"update", "", []string{"instance", "update", "web-1", "--hostname", "h1"}, "update server: could not write the journal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCloud(t, 2, "ap-southeast-3")
			notDir := filepath.Join(t.TempDir(), "file")
			os.WriteFile(notDir, nil, 0o600)
			r := c.run(t, false, tc.stdin, "", append(tc.args, "XDG_STATE_HOME="+notDir)...)
			if r.code != 1 || !strings.Contains(r.err, tc.want) || strings.Contains(r.err, "Do not run the command again") {
				t.Fatalf("exit %d: %s", r.code, r.err)
			}
			for _, q := range c.all() {
				if q.Method != "GET" {
					t.Errorf("sent %s %s", q.Method, q.Path)
				}
			}
		})
	}
}

// Two regions: the first batch answers 500 (outcome unknown); after it no
// more is sent (the second region is reported not sent), the exit is 1
// and the unknown batch keeps its "do not repeat" advice naming its
// instance. (Before the one rule, the second region was sent.)
func TestUnknownBatchKeepsItsAdviceWhenAnotherErrorDecidesTheExit(t *testing.T) {
	c := newCloud(t, 2, "ap-southeast-1", "ap-southeast-3")
	c.jobAfter = 1 << 30
	c.answer = func(n int, w http.ResponseWriter) bool {
		if n == 1 {
			w.WriteHeader(500)
			return true
		}
		return false
	}
	r := c.run(t, false, "", "", "instance", "stop", "web-1", "web-2", "--timeout", "300ms", "--interval", "50ms")
	if r.code != 1 || !strings.Contains(r.err, "stop servers: the request was sent but its outcome is unknown") || !strings.Contains(r.out, "not_sent: not sent: an earlier request's outcome is unknown") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	if n := len(c.requests("POST", "/cloudservers/action")); n != 1 {
		t.Errorf("%d batches sent after an unknown outcome, want 1", n)
	}
	want := "Hint: The stop of 6743d0e3708be6007b8c0001 in ap-southeast-1 may or may not have happened. Do not run the command again until you know: `flexusl instance show`"
	if !strings.Contains(r.err, want) {
		t.Errorf("the unknown batch's advice is missing:\n%s", r.err)
	}
	if i, j := strings.Index(r.err, "stop servers"), strings.Index(r.err, want); j < i {
		t.Errorf("the advice does not follow its warning:\n%s", r.err)
	}
}

// ECS refuses a batch reset naming one server (internalError): the other
// server's outcome is unknown, so the journal records the attempt as
// unknown (not "rejected": ECS may have acted) and the advice is the
// unknown-outcome one, naming only the instance whose outcome is unknown.
// When every server is named, the request was refused: rejected, and the
// error's own hint.
func TestResetPartlyRefusedIsAnUnknownOutcome(t *testing.T) {
	refuse := func(servers ...string) func(int, http.ResponseWriter) bool {
		return func(n int, w http.ResponseWriter) bool {
			var items []string
			for _, s := range servers {
				items = append(items, `{"id":"`+s+`","error_code":"Ecs.0114","error_message":"could not be found."}`)
			}
			w.WriteHeader(404)
			io.WriteString(w, `{"error":{"code":"Ecs.0114","message":"Instance could not be found."},"internalError":[`+strings.Join(items, ",")+`]}`)
			return true
		}
	}
	t.Run("one of two named", func(t *testing.T) {
		c := newCloud(t, 2, "ap-southeast-3")
		c.answer = refuse("72a270de-665a-4f46-8d64-000000000002")
		r := c.run(t, false, goodPassword+"\n", "", "instance", "reset-password", "web-1", "web-2", "--password-stdin", "--yes", "-o", "json")
		var rs []map[string]string
		json.Unmarshal([]byte(r.out), &rs)
		if r.code != 1 || len(rs) != 2 || rs[0]["status"] != "unknown" || rs[1]["status"] != "failed" {
			t.Fatalf("exit %d: %s\n%s", r.code, r.out, r.err)
		}
		lines := c.journalLines(t)
		if last := lines[len(lines)-1]; len(lines) != 2 || last["state"] != "unknown" || !strings.Contains(last["error"].(string), "Ecs.0114") {
			t.Errorf("journal %v", lines)
		}
		if !strings.Contains(r.err, "Hint: The password reset of 6743d0e3708be6007b8c0001 in ap-southeast-3 may or may not have happened. Do not run the command again until you know: `flexusl instance show` gives each server's status (a password reset: log in with the new password after a restart)") {
			t.Errorf("no unknown-outcome advice for web-1:\n%s", r.err)
		}
		if strings.Contains(r.err, "6743d0e3708be6007b8c0002 in ap-southeast-3 may") || strings.Contains(r.err, "server was not found in that region") {
			t.Errorf("the advice names the refused server, or is the Ecs.0114 one:\n%s", r.err)
		}
	})
	t.Run("every server named", func(t *testing.T) {
		c := newCloud(t, 2, "ap-southeast-3")
		c.answer = refuse("72a270de-665a-4f46-8d64-000000000001", "72a270de-665a-4f46-8d64-000000000002")
		r := c.run(t, false, goodPassword+"\n", "", "instance", "reset-password", "web-1", "web-2", "--password-stdin", "--yes", "-o", "json")
		var rs []map[string]string
		json.Unmarshal([]byte(r.out), &rs)
		if r.code != 1 || len(rs) != 2 || rs[0]["status"] != "failed" || rs[1]["status"] != "failed" {
			t.Fatalf("exit %d: %s\n%s", r.code, r.out, r.err)
		}
		if lines := c.journalLines(t); lines[len(lines)-1]["state"] != "rejected" {
			t.Errorf("journal %v", lines)
		}
		if strings.Contains(r.err, "Do not run the command again") || !strings.Contains(r.err, "Hint: the server was not found in that region") {
			t.Errorf("%s", r.err)
		}
	})
}

// A 2xx reset answer lists the servers whose password was reset; a server
// it does not list (an empty answer included) has an unknown outcome: exit
// 1, journaled unknown, the unknown-outcome advice for those instances.
func TestResetAnswerNotListingAServerIsUnknown(t *testing.T) {
	for _, tc := range []struct {
		name, answer string
		want         []string // status of web-1, web-2
	}{
		{"empty object", `{}`, []string{"unknown", "unknown"}},
		{"empty list", `{"response":[]}`, []string{"unknown", "unknown"}},
		{"null list", `{"response":null}`, []string{"unknown", "unknown"}},
		{"one of two", `{"response":[{"id":"72a270de-665a-4f46-8d64-000000000002"}]}`, []string{"unknown", "succeeded"}},
		{"another server", `{"response":[{"id":"72a270de-665a-4f46-8d64-999999999999"}]}`, []string{"unknown", "unknown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCloud(t, 2, "ap-southeast-3")
			c.answer = func(n int, w http.ResponseWriter) bool { io.WriteString(w, tc.answer); return true }
			r := c.run(t, false, goodPassword+"\n", "", "instance", "reset-password", "web-1", "web-2", "--password-stdin", "--yes", "-o", "json")
			var rs []map[string]string
			json.Unmarshal([]byte(r.out), &rs)
			if r.code != 1 || len(rs) != 2 || rs[0]["status"] != tc.want[0] || rs[1]["status"] != tc.want[1] {
				t.Fatalf("exit %d: %s\n%s", r.code, r.out, r.err)
			}
			if rs[0]["error"] != "ECS's answer does not list this server" {
				t.Errorf("%v", rs[0])
			}
			if !strings.Contains(r.err, "outcome is unknown") || !strings.Contains(r.err, "Hint: The password reset of 6743d0e3708be6007b8c0001") ||
				!strings.Contains(r.err, "Do not run the command again") || strings.Contains(r.out+r.err, goodPassword) {
				t.Errorf("%s", r.err)
			}
			if tc.want[1] == "succeeded" && strings.Contains(r.err, "6743d0e3708be6007b8c0002 in ap-southeast-3 may") {
				t.Errorf("the advice names the instance that was reset:\n%s", r.err)
			}
			if lines := c.journalLines(t); len(lines) != 2 || lines[1]["state"] != "unknown" {
				t.Errorf("journal %v", lines)
			}
			if n := len(c.requests("PUT", "/os-reset-passwords")); n != 1 {
				t.Errorf("%d requests", n)
			}
		})
	}
}

// A batch action answered 2xx with a job_id that is not an ECS job ID was
// taken, but its job cannot be followed: the batch's outcome is unknown
// (journaled so, the "do not repeat" advice), the job is not polled, and
// no command is built from the ID.
func TestActionJobIDThatIsNotAnIDIsAnUnknownOutcome(t *testing.T) {
	const evil = "x $(touch /tmp/PWNED) ; echo"
	for _, wait := range []bool{true, false} {
		t.Run(fmt.Sprintf("wait=%v", wait), func(t *testing.T) {
			c := newCloud(t, 2, "ap-southeast-1", "ap-southeast-3")
			c.answer = func(n int, w http.ResponseWriter) bool {
				if n == 1 {
					json.NewEncoder(w).Encode(map[string]string{"job_id": evil})
					return true
				}
				return false
			}
			args := []string{"instance", "stop", "web-1", "web-2", "--interval", "10ms", "-o", "json"}
			if !wait {
				args = append(args, "--no-wait")
			}
			r := c.run(t, false, "", "", args...)
			if r.code != 1 || !strings.Contains(r.err, "not an ECS job ID") || !strings.Contains(r.err, "Hint: The stop of 6743d0e3708be6007b8c0001 in ap-southeast-1 may or may not have happened. Do not run the command again") {
				t.Fatalf("exit %d: %s", r.code, r.err)
			}
			if strings.Contains(r.err, "job wait x") || strings.Contains(r.err, "job wait 'x") {
				t.Errorf("a command built from the job ID:\n%s", r.err)
			}
			rs := decodeActions(t, r.out)
			if len(rs) != 2 || rs[0].Status != "unknown" || rs[0].JobID != "" {
				t.Errorf("%+v", rs)
			}
			// After an unknown outcome no more is sent (one rule for every
			// command that sends several requests).
			if rs[1].Status != "not_sent" || rs[1].Error != "not sent: an earlier request's outcome is unknown" {
				t.Errorf("the other region's batch: %+v", rs[1])
			}
			lines := c.journalLines(t)
			if len(lines) != 2 || lines[1]["state"] != "unknown" || lines[1]["job_ids"] != nil {
				t.Errorf("journal %v", lines)
			}
			for _, q := range c.all() {
				if q.Method == "GET" && strings.Contains(q.Path, "/jobs/") && !strings.HasSuffix(q.Path, "/jobs/job-1") {
					t.Errorf("polled %s", q.Path)
				}
			}
		})
	}
}

// IDs and regions RMS lists go into ECS hosts, paths and suggested
// commands: one without its shape exits 2 and nothing is sent.
func TestServerDataThatIsNotAnIDSendsNothing(t *testing.T) {
	for name, change := range map[string]func(*inst){
		"region":   func(i *inst) { i.region = "x.attacker.example/#" },
		"server":   func(i *inst) { i.server = "../../v3/auth" },
		"instance": func(i *inst) { i.id = "x $(touch /tmp/PWNED)"; i.name = "web-1" },
	} {
		for _, args := range [][]string{
			{"instance", "stop", "web-1", "web-2"},
			{"instance", "update", "web-1", "--hostname", "h1"},
		} {
			t.Run(name+" "+args[1], func(t *testing.T) {
				c := newCloud(t, 2, "ap-southeast-3")
				change(&c.instances[0])
				r := c.run(t, false, "", "", args...)
				if r.code != 2 || !strings.Contains(r.err, "RMS lists") {
					t.Fatalf("exit %d: %s", r.code, r.err)
				}
				for _, q := range c.all() {
					if q.Method != "GET" || !strings.Contains(q.Path, "all-resources") {
						t.Errorf("sent %s %s", q.Method, q.Path)
					}
				}
			})
		}
	}
}
