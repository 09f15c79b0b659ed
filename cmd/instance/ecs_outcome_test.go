package instance_test

import (
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
