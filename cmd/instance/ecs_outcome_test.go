package instance_test

import (
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
		{"stop", "", []string{"instance", "stop", "web-1", "web-2"}, "stop servers in ap-southeast-3: not sent: the journal could not be written"},
		{"reset-password", goodPassword + "\n", []string{"instance", "reset-password", "web-1", "--password-stdin", "--yes"}, "reset passwords in ap-southeast-3: not sent: the journal could not be written"},
		{"update", "", []string{"instance", "update", "web-1", "--hostname", "h1"}, "update server: not sent: the journal could not be written"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCloud(t, 2, "ap-southeast-3")
			notDir := filepath.Join(t.TempDir(), "file")
			os.WriteFile(notDir, nil, 0o600)
			r := c.run(t, false, tc.stdin, "", append(tc.args, "XDG_STATE_HOME="+notDir)...)
			if r.code != 1 || !strings.Contains(r.err, tc.want) || strings.Contains(r.err, "Do not repeat") {
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

// Two regions: the first batch answers 500 (outcome unknown), the second
// is taken but its job still runs at --timeout. The timeout decides the
// exit code (5, the jobs go on); the unknown batch is a warning followed
// by its "do not repeat" advice naming its instance.
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
	if r.code != 5 || !strings.Contains(r.err, "Warning: stop servers: the request was sent but its outcome is unknown") {
		t.Fatalf("exit %d\n%s", r.code, r.err)
	}
	want := "Hint: ECS may or may not be acting on 6743d0e3708be6007b8c0001. Do not repeat the command until you know"
	if !strings.Contains(r.err, want) {
		t.Errorf("the unknown batch's advice is missing:\n%s", r.err)
	}
	if i, j := strings.Index(r.err, "Warning: stop servers"), strings.Index(r.err, want); j < i {
		t.Errorf("the advice does not follow its warning:\n%s", r.err)
	}
}
