package purchase

import (
	"reflect"
	"testing"
)

func TestApply(t *testing.T) {
	file := func() *Request {
		return &Request{InstanceName: "file", PlanSpec: "hf.large.1.30m.linux", ImageRef: &ImageRef{ImageName: "Ubuntu", ImageVersion: "22.04"},
			Region: "ap-southeast-3", PeriodType: PeriodMonth, PeriodNum: 2, ExtraResources: []ExtraResource{{ResourceEVS, Ptr(40)}, {ResourceHSS, nil}},
			Tags: []Tag{{"env", "ci"}, {"team", "web"}}}
	}
	tests := []struct {
		name  string
		o     Overrides
		check func(t *testing.T, r *Request)
	}{
		{"nothing given changes nothing", Overrides{}, func(t *testing.T, r *Request) {
			if !reflect.DeepEqual(r, file()) {
				t.Errorf("%+v", r)
			}
		}},
		{"scalars", Overrides{Name: Ptr("x"), Region: Ptr("me-east-1"), Period: Ptr(3), Quantity: Ptr(2), AutoPay: Ptr(false)}, func(t *testing.T, r *Request) {
			if r.InstanceName != "x" || r.Region != "me-east-1" || r.PeriodNum != 3 || r.Quantity() != 2 || r.IsAutoPay == nil || *r.IsAutoPay {
				t.Errorf("%+v", r)
			}
		}},
		{"version alone keeps the image", Overrides{ImageVersion: Ptr("20.04")}, func(t *testing.T, r *Request) {
			if *r.ImageRef != (ImageRef{ImageName: "Ubuntu", ImageVersion: "20.04"}) {
				t.Errorf("%+v", r.ImageRef)
			}
		}},
		{"image replaces image_ref", Overrides{Image: Ptr("BT")}, func(t *testing.T, r *Request) {
			if *r.ImageRef != (ImageRef{ImageName: "BT"}) {
				t.Errorf("%+v", r.ImageRef)
			}
		}},
		{"image id replaces image_ref", Overrides{ImageID: Ptr("img")}, func(t *testing.T, r *Request) {
			if *r.ImageRef != (ImageRef{ImageID: "img"}) {
				t.Errorf("%+v", r.ImageRef)
			}
		}},
		{"extras replace by type; hss=false removes", Overrides{DataDisk: Ptr(80), Backup: Ptr(20), HSS: Ptr(false)}, func(t *testing.T, r *Request) {
			want := []ExtraResource{{ResourceEVS, Ptr(80)}, {ResourceCBR, Ptr(20)}}
			if !reflect.DeepEqual(r.ExtraResources, want) {
				t.Errorf("%+v", r.ExtraResources)
			}
		}},
		{"tags replace by key, repeats kept", Overrides{Tags: []string{"env=prod", "owner=me", "owner=you"}}, func(t *testing.T, r *Request) {
			want := []Tag{{"team", "web"}, {"env", "prod"}, {"owner", "me"}, {"owner", "you"}}
			if !reflect.DeepEqual(r.Tags, want) {
				t.Errorf("%+v", r.Tags)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := file()
			if ps := r.Apply(tt.o); len(ps) > 0 {
				t.Fatal(ps)
			}
			tt.check(t, r)
		})
	}
	r := file()
	if ps := r.Apply(Overrides{Tags: []string{"bad"}}); len(ps) != 1 || ps[0].Field != "--tag" {
		t.Errorf("%v", ps)
	}
	// From nothing: a version without an image makes an image_ref for Validate to judge.
	empty := &Request{}
	empty.Apply(Overrides{ImageVersion: Ptr("1")})
	if empty.ImageRef == nil || empty.ImageRef.ImageVersion != "1" {
		t.Errorf("%+v", empty.ImageRef)
	}
}
