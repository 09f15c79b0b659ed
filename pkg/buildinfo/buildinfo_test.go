package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name            string
		version, commit string
		bi              *debug.BuildInfo
		want            Info
	}{
		{"ldflags win", "1.2.3", "abc1234", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v9.9.9"}, Settings: vcs("ffffffffffffffffffffffffffffffffffffffff", "false")},
			Info{"1.2.3", "abc1234", "go1.26.8"}},
		{"go install @tag", "dev", "none", &debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Version: "v1.4.0"}},
			Info{"1.4.0", "none", "go1.26.1"}},
		{"go install @commit", "dev", "none", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.0.0-20261127153900-7c703ad1e2f3"}},
			Info{"0.0.0-20261127153900-7c703ad1e2f3", "7c703ad1e2f3", "go1.26.0"}},
		{"go build in a checkout", "dev", "none", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.1-0.20261127153900-7c703ad1e2f3+dirty"}, Settings: vcs("7c703ad1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7", "true")},
			Info{"1.4.1-0.20261127153900-7c703ad1e2f3+dirty", "7c703ad1e2f3-dirty", "go1.26.8"}},
		{"go build without VCS", "dev", "none", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			Info{"dev", "none", "go1.26.8"}},
		{"no build info", "dev", "none", nil, Info{"dev", "none", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolve(tt.version, tt.commit, tt.bi)
			if tt.bi == nil {
				tt.want.GoVersion = got.GoVersion // runtime.Version()
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPseudoRev(t *testing.T) {
	for in, want := range map[string]string{
		"v0.0.0-20261127153900-7c703ad1e2f3":         "7c703ad1e2f3",
		"v1.2.4-0.20261127153900-7c703ad1e2f3+dirty": "7c703ad1e2f3",
		"v1.2.4-pre.0.20261127153900-7c703ad1e2f3":   "7c703ad1e2f3",
		"v1.2.3":                             "",
		"v1.2.3-rc.1":                        "",
		"v1.2.3-abcdefabcdef":                "",
		"v0.0.0-20261127153900-7C703AD1E2F3": "",
		"":                                   "",
	} {
		if got := pseudoRev(in); got != want {
			t.Errorf("pseudoRev(%q) = %q, want %q", in, got, want)
		}
	}
}
