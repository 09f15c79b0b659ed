// Package cache keeps what shell completion may read offline: the
// instances (ID, name, region) that `instance list`, `instance show` and
// `instance buy --wait` have seen. It lives in the XDG cache directory
// ($XDG_CACHE_HOME/flexusl, else ~/.cache/flexusl), only ever at an
// absolute path, in a 0700 directory, as a 0600 file replaced atomically.
// Nothing in it is a secret, and nothing depends on it being right: it may
// be deleted at any time.
package cache

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Instance is one instance as completion offers it.
type Instance struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Region string `json:"region"`
}

// MaxInstances bounds the cache (the newest listing wins).
const MaxInstances = 20000

const fileVersion = 1

type file struct {
	Version   int        `json:"version"`
	Instances []Instance `json:"instances"`
	// Listed is when the last complete listing of a scope was cached: a
	// region, or "" for every region.
	Listed map[string]time.Time `json:"listed,omitempty"`
}

// State is the cache as completion reads it.
type State struct {
	Instances []Instance
	Listed    map[string]time.Time
}

// ListedSince reports whether a complete listing covering region was
// cached after t: what the journal says happened before it (a purchase, an
// unsubscription) is already in Instances, or rightly absent.
func (s State) ListedSince(region string, t time.Time) bool {
	for _, scope := range []string{"", region} {
		if at, ok := s.Listed[scope]; ok && at.After(t) {
			return true
		}
	}
	return false
}

// Read reads the cache with when its listings were made. A missing cache
// is empty; one that does not parse is an error.
func Read(path string) (State, error) {
	f, err := readFile(path)
	return State{Instances: f.Instances, Listed: f.Listed}, err
}

// Dir is flexusl's cache directory: $XDG_CACHE_HOME/flexusl, else
// $HOME/.cache/flexusl. A relative XDG_CACHE_HOME is ignored (the XDG
// rule); "" when no absolute location is known, and then nothing is cached.
//
// FLEXUSL_STATE_DIR (the sandbox's export line sets it) moves it to its
// "cache" folder, beside that directory's journal.
func Dir(getenv func(string) string) string {
	if d := getenv("FLEXUSL_STATE_DIR"); d != "" {
		if filepath.IsAbs(d) {
			return filepath.Join(d, "cache")
		}
		return ""
	}
	if x := getenv("XDG_CACHE_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "flexusl")
	}
	if h := getenv("HOME"); filepath.IsAbs(h) {
		return filepath.Join(h, ".cache", "flexusl")
	}
	return ""
}

// InstancesPath is the instance cache's path ("" when there is no cache
// directory).
func InstancesPath(getenv func(string) string) string {
	d := Dir(getenv)
	if d == "" {
		return ""
	}
	return filepath.Join(d, "instances.json")
}

// ReadInstances reads the cache. A missing cache is empty; one that does
// not parse is an error (completion ignores it; the next write replaces it).
func ReadInstances(path string) ([]Instance, error) {
	f, err := readFile(path)
	return f.Instances, err
}

func readFile(path string) (file, error) {
	var f file
	if path == "" {
		return f, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return file{}, fmt.Errorf("instance cache: %w", err)
	}
	if err := json.Unmarshal(data, &f); err != nil || f.Version != fileVersion {
		return file{}, fmt.Errorf("instance cache %s: not in a format this flexusl reads", path)
	}
	return f, nil
}

// Update is what a command saw.
type Update struct {
	Seen []Instance
	// Complete says Seen is every instance of Region ("" = of every
	// region): cached instances of that scope that are not in Seen are
	// gone and dropped. Otherwise Seen is only added or refreshed.
	Complete bool
	Region   string
	// At is when the listing was made (recorded for a Complete one).
	At time.Time
}

// UpdateInstances merges u into the cache at path and writes it back
// atomically (a temporary file renamed over the old one), unless nothing
// changed. path "" does nothing.
func UpdateInstances(path string, u Update) error {
	if path == "" {
		return nil
	}
	prev, _ := readFile(path) // a broken cache is replaced
	old := prev.Instances
	listed := prev.Listed
	if u.Complete && !u.At.IsZero() {
		listed = map[string]time.Time{}
		for scope, at := range prev.Listed {
			// A listing of every region supersedes each region's.
			if u.Region != "" || scope == "" {
				listed[scope] = at
			}
		}
		listed[u.Region] = u.At.UTC()
	}
	seen := make(map[string]bool, len(u.Seen))
	var out []Instance
	for _, in := range u.Seen {
		if in.ID != "" && !seen[in.ID] {
			seen[in.ID] = true
			out = append(out, in)
		}
	}
	for _, in := range old {
		if seen[in.ID] || (u.Complete && (u.Region == "" || u.Region == in.Region)) {
			continue
		}
		seen[in.ID] = true
		out = append(out, in)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.ID < b.ID
	})
	if len(out) > MaxInstances {
		out = out[:MaxInstances]
	}
	if out == nil {
		out = []Instance{}
	}
	return writeIfChanged(path, "instance cache", file{Version: fileVersion, Instances: out, Listed: listed})
}

// writeIfChanged writes v as JSON to path (writeAtomic) unless the file
// already holds exactly that; what names the cache in errors.
func writeIfChanged(path, what string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if cur, err := os.ReadFile(path); err == nil && bytes.Equal(cur, data) {
		return nil
	}
	return writeAtomic(path, data)
}

// writeAtomic writes data to path through a temporary file in the same
// directory (0600; the directory 0700), renamed over path.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("instance cache: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".instances-*.tmp")
	if err != nil {
		return fmt.Errorf("instance cache: %w", err)
	}
	name := tmp.Name()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(name)
		return fmt.Errorf("instance cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("instance cache: %w", err)
	}
	if err := os.Chmod(name, 0o600); err != nil {
		os.Remove(name)
		return fmt.Errorf("instance cache: %w", err)
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return fmt.Errorf("instance cache: %w", err)
	}
	return nil
}
