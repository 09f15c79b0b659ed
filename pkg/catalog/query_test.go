package catalog

import (
	"reflect"
	"strings"
	"testing"
)

func codes(ss []Spec) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Code)
	}
	return out
}

func TestFindSpecs(t *testing.T) {
	c := mustDefault(t)
	tests := []struct {
		name   string
		q      SpecQuery
		want   []string
		reason string
	}{
		{"all", SpecQuery{}, c.SpecCodes(), ""},
		{"GitLab", SpecQuery{Image: "GitLab", Version: "16.9.3"}, app3, ""},
		{"Debian 11.1 HK", SpecQuery{Image: "Debian", Version: "11.1", Region: hk}, os7, ""},
		{"Debian 11.1 Bangkok", SpecQuery{Image: "Debian", Version: "11.1", Region: bkk}, os6, ""},
		{"CentOS any version SG", SpecQuery{Image: "centos", Region: sg}, os7, ""},
		{"private windows", SpecQuery{PrivateOS: "windows"}, c.PrivateSpecs(OSWindows), ""},
		{"CentOS 8.2 Istanbul", SpecQuery{Image: "CentOS", Version: "8.2", Region: ist}, nil, "not offered in tr-west-1 (TR-Istanbul)"},
		{"bad region", SpecQuery{Region: "mars-1"}, nil, "is not a FlexusL region"},
		{"bad image", SpecQuery{Image: "Gitlabb"}, nil, "did you mean GitLab?"},
		{"version without image", SpecQuery{Version: "1"}, nil, "needs an image name"},
		{"bad private", SpecQuery{PrivateOS: "linx"}, nil, "did you mean linux?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ps := c.FindSpecs(tt.q)
			if tt.reason != "" {
				if len(ps) == 0 || !strings.Contains(ps[0].Error(), tt.reason) {
					t.Fatalf("problems = %v, want %q", ps, tt.reason)
				}
				return
			}
			if len(ps) > 0 || !reflect.DeepEqual(codes(got), tt.want) {
				t.Errorf("got %v %v, want %v", codes(got), ps, tt.want)
			}
		})
	}
}

func TestListImages(t *testing.T) {
	c := mustDefault(t)
	all, _ := c.ListImages("", "")
	if len(all) != 17+4+1+11+2 {
		t.Errorf("%d rows", len(all))
	}
	apps, _ := c.ListImages(TypeApplication, "")
	if len(apps) != 17 {
		t.Errorf("%d application rows", len(apps))
	}
	riyadh, _ := c.ListImages(TypeOS, riy)
	for _, r := range riyadh {
		if r.Name == "CentOS" && strings.Contains(" 8.2 8.1 8.0 7.3 7.2 ", " "+r.Version+" ") {
			t.Errorf("CentOS %s listed in Riyadh", r.Version)
		}
		if reflect.DeepEqual(r.Specs, os7) {
			t.Errorf("%s %s has hf.large.025 in Riyadh", r.Name, r.Version)
		}
	}
	if len(riyadh) != 4+1+6+2 {
		t.Errorf("%d OS rows in Riyadh", len(riyadh))
	}
	if _, ps := c.ListImages("app", ""); len(ps) != 1 || !strings.Contains(ps[0].Error(), "did you mean application?") {
		t.Errorf("%v", ps)
	}
}
