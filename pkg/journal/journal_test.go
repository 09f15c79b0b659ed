package journal

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestAppendRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "flexusl", "orders.jsonl")
	for i, id := range []string{"CS1", "CS2"} {
		if err := Append(path, Entry{Time: time.Unix(int64(i), 0).UTC(), OrderID: id, InstanceIDs: []string{"i" + id}, State: StateAccepted, ClientRequestID: "c" + id}); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %o", st.Mode().Perm())
	}
	dst, _ := os.Stat(filepath.Dir(path))
	if dst.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %o", dst.Mode().Perm())
	}
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("garbage\n")
	f.Close()
	es, skipped, err := Read(path)
	if err != nil || len(es) != 2 || skipped != 1 {
		t.Fatalf("%v %d %v", es, skipped, err)
	}
	if n := Newest(es); n[0].OrderID != "CS2" {
		t.Errorf("newest = %v", n[0])
	}
	if e, ok := FindOrder(es, "CS1"); !ok || e.InstanceIDs[0] != "iCS1" {
		t.Errorf("find: %v %v", e, ok)
	}
	if es, _, err := Read(filepath.Join(t.TempDir(), "none")); err != nil || es != nil {
		t.Errorf("missing journal: %v %v", es, err)
	}
}

func TestConcurrentAppendsStayWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "orders.jsonl")
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			Append(path, Entry{OrderID: "CS", Name: string(rune('a' + i%26)), State: StateAccepted})
		}(i)
	}
	wg.Wait()
	es, skipped, _ := Read(path)
	if len(es) != 50 || skipped != 0 {
		t.Errorf("%d entries, %d skipped", len(es), skipped)
	}
}

func TestDefaultPath(t *testing.T) {
	env := map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/h"}
	if got := DefaultPath(func(k string) string { return env[k] }); got != "/s/flexusl/orders.jsonl" {
		t.Error(got)
	}
	delete(env, "XDG_STATE_HOME")
	if got := DefaultPath(func(k string) string { return env[k] }); got != "/h/.local/state/flexusl/orders.jsonl" {
		t.Error(got)
	}
}
