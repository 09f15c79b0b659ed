package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// completions runs cobra's __complete and returns the candidate lines
// (without the trailing directive line).
func completions(t *testing.T, env map[string]string, args ...string) []string {
	t.Helper()
	r := run(t, env, append([]string{"__complete"}, args...)...)
	if r.code != 0 {
		t.Fatalf("__complete %v: exit %d %s", args, r.code, r.err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(r.out), "\n") {
		if !strings.HasPrefix(l, ":") && l != "" {
			out = append(out, l)
		}
	}
	return out
}

func values(lines []string) []string {
	var out []string
	for _, l := range lines {
		v, _, _ := strings.Cut(l, "\t")
		out = append(out, v)
	}
	return out
}

func TestCompletion(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte("active_profile: work\nprofiles:\n  work:\n    region: tr-west-1\n  home:\n    region: me-east-1\n"), 0o600)
	state := filepath.Join(dir, "state")
	os.MkdirAll(filepath.Join(state, "flexusl"), 0o700)
	os.WriteFile(filepath.Join(state, "flexusl", "orders.jsonl"), []byte(
		`{"time":"2026-11-01T00:00:00Z","region":"tr-west-1","name":"old","order_id":"CSOLD000000000001","state":"accepted"}`+"\n"+
			`{"time":"2026-11-02T00:00:00Z","region":"tr-west-1","name":"lost","client_request_id":"x","state":"unknown"}`+"\n"+
			`{"time":"2026-11-03T00:00:00Z","region":"me-east-1","name":"new","order_id":"CSNEW000000000002","state":"accepted"}`+"\n"+
			// Paying an order holds its ID again: still offered once, where it was placed.
			`{"time":"2026-11-04T00:00:00Z","kind":"pay","order_ids":["CSOLD000000000001"],"state":"accepted"}`+"\n"), 0o600)
	env := map[string]string{"FLEXUSL_CONFIG": cfg, "XDG_STATE_HOME": state}
	noRegion := map[string]string{"XDG_STATE_HOME": state}

	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string // exact values, in order; or nil with contains
		has  []string // lines that must be present
	}{
		{"spec for typed image", nil, []string{"instance", "buy", "--image", "GitLab", "--spec", ""},
			[]string{"hf.large.4.30m.linux", "hf.xlarge.2.30m.linux", "hf.xlarge.4.30m.linux"},
			[]string{"hf.large.4.30m.linux\t2 vCPU, 8 GiB, 160 GiB, 30 Mbit/s"}},
		{"spec for image, version and region", nil, []string{"instance", "buy", "--region", "ap-southeast-1", "--image", "Debian", "--image-version", "11.1", "--spec", ""},
			[]string{"hf.large.025.30m.linux", "hf.large.05.30m.linux", "hf.large.1.30m.linux", "hf.large.2.30m.linux", "hf.large.4.30m.linux", "hf.xlarge.2.30m.linux", "hf.xlarge.4.30m.linux"},
			[]string{"hf.large.025.30m.linux\t2 vCPU, 0.5 GiB, 20 GiB, 30 Mbit/s"}},
		{"spec: region from the profile drops hf.large.025", env, []string{"instance", "buy", "--image", "Debian", "--image-version", "11.1", "--spec", "hf.large.0"},
			[]string{"hf.large.05.30m.linux"}, nil},
		{"plan-spec alias, prefix", nil, []string{"instance", "buy", "--image", "WordPress", "--plan-spec", "hf.x"},
			[]string{"hf.xlarge.2.30m.linux", "hf.xlarge.4.30m.linux"}, nil},
		{"spec with private image", nil, []string{"instance", "buy", "--image-id", "abc", "--spec", "hf.large.1"},
			[]string{"hf.large.1.30m.linux", "hf.large.1.30m.byol"}, nil},
		{"image", nil, []string{"instance", "buy", "--image", "Ub"}, []string{"Ubuntu"}, []string{"Ubuntu\tos image"}},
		{"image-version for typed image", noRegion, []string{"instance", "buy", "--image", "centos", "--image-version", "8"}, []string{"8.2", "8.1", "8.0"}, nil},
		{"image-version in the typed region", nil, []string{"instance", "buy", "--region", "me-east-1", "--image", "CentOS", "--image-version", ""},
			[]string{"7.9", "7.8", "7.7", "7.6", "7.5", "7.4"}, nil},
		{"region with names", nil, []string{"specs", "list", "--region", ""}, nil, []string{"ap-southeast-1\tCN-Hong Kong", "me-east-1\tME-Riyadh"}},
		{"period-type", nil, []string{"instance", "buy", "--period-type", ""}, []string{"month", "year"}, nil},
		{"output", nil, []string{"regions", "list", "-o", ""}, []string{"table", "json", "yaml"}, nil},
		{"profile from the config", env, []string{"regions", "list", "--profile", ""}, []string{"home", "work"}, []string{"work\tactive tr-west-1"}},
		{"order show: journal, newest first", env, []string{"order", "show", ""}, []string{"CSNEW000000000002", "CSOLD000000000001"}, []string{"CSNEW000000000002\tnew me-east-1 2026-11-03 00:00"}},
		{"order wait", env, []string{"order", "wait", "CSO"}, []string{"CSOLD000000000001"}, nil},
		{"config keys", nil, []string{"config", "set", "re"}, []string{"region", "region_tokens"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := completions(t, tt.env, tt.args...)
			if tt.want != nil && strings.Join(values(lines), " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v\nwant %v", values(lines), tt.want)
			}
			for _, h := range tt.has {
				found := false
				for _, l := range lines {
					found = found || l == h
				}
				if !found {
					t.Errorf("missing %q in %q", h, lines)
				}
			}
		})
	}
}

func BenchmarkCompleteSpec(b *testing.B) {
	for b.Loop() {
		io, f := benchFactory()
		_ = io
		Run(b.Context(), f, []string{"__complete", "instance", "buy", "--image", "Debian", "--image-version", "11.1", "--spec", ""})
	}
}
