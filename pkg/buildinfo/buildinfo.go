// Package buildinfo holds the version and commit the Makefile stamps in
// with -ldflags, and the Go version.
package buildinfo

import "runtime"

// Set with -ldflags "-X github.com/flexusl/flexusl/pkg/buildinfo.Version=...".
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

// Get returns the build's identity.
func Get() Info { return Info{Version: Version, Commit: Commit, GoVersion: runtime.Version()} }

// UserAgent is the User-Agent flexusl sends.
func UserAgent() string { return "flexusl/" + Version }
