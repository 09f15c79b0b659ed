package suggest

import (
	"reflect"
	"testing"
)

func TestClosest(t *testing.T) {
	specs := []string{"hf.large.025.30m.linux", "hf.large.05.30m.linux", "hf.large.1.30m.linux", "hf.large.2.30m.linux", "hf.large.4.30m.linux", "hf.xlarge.2.30m.linux", "hf.xlarge.4.30m.linux"}
	tests := []struct {
		in   string
		cand []string
		want []string
	}{
		{"hf.large.3.30m.linux", specs, []string{"hf.large.2.30m.linux", "hf.large.4.30m.linux"}},
		{"hf.lrage.2.30m.linux", specs[2:5], []string{"hf.large.2.30m.linux"}},
		{"ap-southeast-9", []string{"ap-southeast-1", "ap-southeast-3", "ap-southeast-2"}, []string{"ap-southeast-1", "ap-southeast-3", "ap-southeast-2"}},
		{"tr-west", []string{"ap-southeast-1", "tr-west-1"}, []string{"tr-west-1"}},
		{"apps", []string{"application", "os"}, []string{"application"}},
		{"name", []string{"image_name", "image_version", "image_id"}, []string{"image_name"}},
		{"regoin", []string{"region", "output"}, []string{"region"}},
		{"zzzzzz", []string{"ap-southeast-1"}, nil},
		{"", []string{"x"}, nil},
	}
	for _, tt := range tests {
		if got := Closest(tt.in, tt.cand); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Closest(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// A swap of two neighbouring letters is one edit: "lsit" is list, not wait.
func TestClosestTransposition(t *testing.T) {
	tests := []struct {
		in   string
		cand []string
		want []string
	}{
		{"lsit", []string{"show", "wait", "list"}, []string{"list"}},
		{"nmae", []string{"name", "image", "spec"}, []string{"name"}},
		{"ulbuntu", []string{"Ubuntu", "Debian"}, []string{"Ubuntu"}},
	}
	for _, tt := range tests {
		if got := Closest(tt.in, tt.cand); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Closest(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"lsit", "list", 1}, {"lsit", "wait", 2}, {"ca", "abc", 3}, {"", "abc", 3}, {"abc", "abc", 0}, {"ábc", "bác", 1}} {
		if got := distance(tt.a, tt.b); got != tt.d {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}
