package instancecmd_test

import (
	"testing"

	"github.com/flexusl/flexusl/pkg/journal"
)

// fakeDomain is the account ID the BSS command tests configure.
const fakeDomain = "0a1b2c3d4e5f"

// journalOf reads the journal of a run's state dir.
func journalOf(t *testing.T, dir string) []journal.Entry {
	t.Helper()
	path, err := journal.DefaultPath(func(k string) string {
		if k == "XDG_STATE_HOME" {
			return dir
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	es, _, err := journal.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// journaled reports whether the journal holds requestID's attempt, begun
// before it was sent and finished in state.
func journaled(t *testing.T, dir, requestID, state string) bool {
	t.Helper()
	for _, e := range journalOf(t, dir) {
		if e.RequestID == requestID && e.Attempt != "" && e.State == state && e.Finished != nil {
			return true
		}
	}
	return false
}
