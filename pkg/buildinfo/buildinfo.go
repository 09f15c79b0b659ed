// Package buildinfo holds the build's identity: the version and commit the
// Makefile and goreleaser stamp in with -ldflags, else what the Go toolchain
// embedded in the binary (the module version of `go install ...@v1.2.3`,
// the VCS revision of a `go build` in a git checkout), and the Go version.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// Set with -ldflags "-X github.com/flexusl/flexusl/pkg/buildinfo.Version=...";
// when left at these values, Get reads Go's embedded build info instead.
var (
	Version = "dev"
	Commit  = "none"
)

// Info is the build's identity, as `flexusl version -o json` prints it.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"go_version"`
}

var (
	once   sync.Once
	cached Info
)

// Get returns the build's identity. It reads the embedded build info at
// most once per run, and only when asked (not at start-up).
func Get() Info {
	once.Do(func() {
		bi, _ := debug.ReadBuildInfo()
		cached = resolve(Version, Commit, bi)
	})
	return cached
}

// resolve fills what -ldflags did not set from the embedded build info.
func resolve(version, commit string, bi *debug.BuildInfo) Info {
	info := Info{Version: version, Commit: commit, GoVersion: runtime.Version()}
	if bi == nil {
		return info
	}
	if bi.GoVersion != "" {
		info.GoVersion = bi.GoVersion
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	mod := bi.Main.Version
	if mod == "(devel)" {
		mod = ""
	}
	if info.Version == "dev" && mod != "" {
		// Without the tag's "v", as release builds print it (1.2.3).
		info.Version = strings.TrimPrefix(mod, "v")
	}
	if info.Commit == "none" {
		switch {
		case rev != "":
			info.Commit = shortRev(rev)
			if modified == "true" {
				info.Commit += "-dirty"
			}
		case pseudoRev(mod) != "":
			// go install ...@COMMIT from the module proxy: no VCS stamp, but the
			// pseudo-version ends in the commit's first 12 hex digits.
			info.Commit = pseudoRev(mod)
		}
	}
	return info
}

func shortRev(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}

// pseudoRev is the revision a pseudo-version (v0.0.0-20260101120000-abcdef123456,
// v1.2.4-0.20260101120000-abcdef123456+dirty) names, else "".
func pseudoRev(v string) string {
	v, _, _ = strings.Cut(v, "+")
	i := strings.LastIndexByte(v, '-')
	if i < 0 {
		return ""
	}
	rev := v[i+1:]
	ts := v[:i]
	if len(rev) != 12 || !isHex(rev) || len(ts) < 14 || !isDigits(ts[len(ts)-14:]) {
		return ""
	}
	return rev
}

func isHex(s string) bool {
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// UserAgent is the User-Agent flexusl sends.
func UserAgent() string { return "flexusl/" + Get().Version }
