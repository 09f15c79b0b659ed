package filelock

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// Read-modify-write of a counter under the lock from many goroutines, each
// with its own open file (as separate processes have): no increment lost.
func TestLockPathSerialisesReadModifyWrite(t *testing.T) {
	dir := t.TempDir()
	counter := filepath.Join(dir, "n")
	os.WriteFile(counter, []byte("0"), 0o600)
	const n = 40
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := LockPath(filepath.Join(dir, "n.lock"))
			if err != nil {
				t.Error(err)
				return
			}
			defer unlock()
			b, _ := os.ReadFile(counter)
			v, _ := strconv.Atoi(string(b))
			os.WriteFile(counter, []byte(strconv.Itoa(v+1)), 0o600)
		}()
	}
	wg.Wait()
	if b, _ := os.ReadFile(counter); string(b) != strconv.Itoa(n) {
		t.Errorf("counter = %s, want %d", b, n)
	}
	if st, err := os.Stat(filepath.Join(dir, "n.lock")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("lock file: %v %v", st, err)
	}
}

func TestLockPathInMissingDir(t *testing.T) {
	if _, err := LockPath(filepath.Join(t.TempDir(), "no", "x.lock")); err == nil {
		t.Error("no error for a missing directory")
	}
}
