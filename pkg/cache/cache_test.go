package cache

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sync"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDirIsAbsoluteOnly(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"}, "/x/cache/flexusl"},
		{map[string]string{"XDG_CACHE_HOME": "rel/cache", "HOME": "/home/u"}, "/home/u/.cache/flexusl"},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.cache/flexusl"},
		{map[string]string{"HOME": "."}, ""},
		{map[string]string{"XDG_CACHE_HOME": "./c", "HOME": "h"}, ""},
		{nil, ""},
		{map[string]string{"FLEXUSL_STATE_DIR": "/s/sandbox/x", "XDG_CACHE_HOME": "/x/cache"}, "/s/sandbox/x/cache"},
		{map[string]string{"FLEXUSL_STATE_DIR": "rel", "XDG_CACHE_HOME": "/x/cache"}, ""},
	}
	if runtime.GOOS == "windows" {
		t.Skip("Unix paths")
	}
	for _, tt := range tests {
		if got := Dir(env(tt.env)); got != filepath.FromSlash(tt.want) {
			t.Errorf("%v: %q, want %q", tt.env, got, tt.want)
		}
	}
	if InstancesPath(env(nil)) != "" {
		t.Error("a path without a cache directory")
	}
	if err := UpdateInstances("", Update{Seen: []Instance{{ID: "a"}}}); err != nil {
		t.Error(err)
	}
	if got, err := ReadInstances(""); got != nil || err != nil {
		t.Error(got, err)
	}
}

func TestUpdateMergesAndDrops(t *testing.T) {
	dir := t.TempDir()
	path := InstancesPath(env(map[string]string{"XDG_CACHE_HOME": dir}))
	a1 := Instance{ID: "a1", Name: "web", Region: "r1"}
	a2 := Instance{ID: "a2", Name: "db", Region: "r1"}
	b1 := Instance{ID: "b1", Name: "web", Region: "r2"}

	if got, err := ReadInstances(path); got != nil || err != nil {
		t.Fatalf("missing cache: %v %v", got, err)
	}
	must(t, UpdateInstances(path, Update{Seen: []Instance{a1, b1, a2}, Complete: true}))
	check(t, path, a2, a1, b1) // sorted by region, name, ID

	// A partial sighting (instance show) adds or refreshes, never drops.
	renamed := Instance{ID: "a1", Name: "web-new", Region: "r1"}
	must(t, UpdateInstances(path, Update{Seen: []Instance{renamed}}))
	check(t, path, a2, renamed, b1)

	// A complete listing of r1 drops r1's missing instances only.
	must(t, UpdateInstances(path, Update{Seen: []Instance{a2}, Complete: true, Region: "r1"}))
	check(t, path, a2, b1)

	// A complete listing of every region replaces everything.
	must(t, UpdateInstances(path, Update{Complete: true}))
	check(t, path)

	// Permissions: 0600 file in a 0700 directory.
	if runtime.GOOS != "windows" {
		st, _ := os.Stat(path)
		dst, _ := os.Stat(filepath.Dir(path))
		if st.Mode().Perm() != 0o600 || dst.Mode().Perm() != 0o700 {
			t.Errorf("modes %v %v", st.Mode(), dst.Mode())
		}
	}
	// No temporary files are left behind.
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Errorf("directory holds %d files", len(ents))
	}
}

// A broken cache is reported by Read and replaced by the next write.
func TestBrokenCacheIsReplaced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flexusl", "instances.json")
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte("{not json"), 0o600)
	if _, err := ReadInstances(path); err == nil {
		t.Error("broken cache read")
	}
	os.WriteFile(path, []byte(`{"version":99,"instances":[]}`), 0o600)
	if _, err := ReadInstances(path); err == nil {
		t.Error("future version read")
	}
	a := Instance{ID: "a", Name: "n", Region: "r"}
	must(t, UpdateInstances(path, Update{Seen: []Instance{a}}))
	check(t, path, a)
}

// An unchanged cache is not rewritten.
func TestUnchangedNotRewritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "instances.json")
	a := Instance{ID: "a", Name: "n", Region: "r"}
	must(t, UpdateInstances(path, Update{Seen: []Instance{a}}))
	st1, _ := os.Stat(path)
	os.Chtimes(path, st1.ModTime().Add(-3600e9), st1.ModTime().Add(-3600e9))
	st1, _ = os.Stat(path)
	must(t, UpdateInstances(path, Update{Seen: []Instance{a}}))
	st2, _ := os.Stat(path)
	if !st2.ModTime().Equal(st1.ModTime()) {
		t.Error("rewritten")
	}
}

// Concurrent writers never leave a torn file.
func TestConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "instances.json")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			UpdateInstances(path, Update{Seen: []Instance{{ID: string(rune('a' + i)), Region: "r"}}})
		}(i)
	}
	wg.Wait()
	got, err := ReadInstances(path)
	if err != nil || len(got) == 0 {
		t.Errorf("%v %v", got, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func check(t *testing.T, path string, want ...Instance) {
	t.Helper()
	got, err := ReadInstances(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 && len(got) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cache = %v, want %v", got, want)
	}
}

// A complete listing records when it was made, per scope; a listing of
// every region supersedes each region's.
func TestListedTimes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "instances.json")
	t1, t2 := time.Date(2026, 12, 4, 1, 0, 0, 0, time.UTC), time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC)
	if err := UpdateInstances(path, Update{Seen: []Instance{{ID: "a", Region: "r1"}}, Complete: true, Region: "r1", At: t1}); err != nil {
		t.Fatal(err)
	}
	st, err := Read(path)
	if err != nil || !st.Listed["r1"].Equal(t1) || !st.ListedSince("r1", t1.Add(-time.Second)) || st.ListedSince("r1", t1) || st.ListedSince("r2", t1.Add(-time.Hour)) {
		t.Fatalf("%+v %v", st, err)
	}
	// Seen alone (instance show) records no listing.
	UpdateInstances(path, Update{Seen: []Instance{{ID: "b", Region: "r2"}}, At: t2})
	if st, _ := Read(path); len(st.Listed) != 1 || len(st.Instances) != 2 {
		t.Fatalf("%+v", st)
	}
	UpdateInstances(path, Update{Seen: []Instance{{ID: "a", Region: "r1"}}, Complete: true, At: t2})
	if st, _ := Read(path); len(st.Listed) != 1 || !st.Listed[""].Equal(t2) || !st.ListedSince("r2", t1) || len(st.Instances) != 1 {
		t.Fatalf("%+v", st)
	}
}
