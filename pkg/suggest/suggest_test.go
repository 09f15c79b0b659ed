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
