package purchase

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecodeTypes(t *testing.T) {
	base := `"instance_name":"w","plan_spec":"hf.large.1.30m.linux","image_ref":{"image_name":"BT"},"region":"ap-southeast-3","period_type":"month"`
	tests := []struct {
		name, body, field, reason string
	}{
		{"period_num string", `{` + base + `,"period_num":"1"}`, FPeriodNum, "must be a JSON integer"},
		{"period_num float", `{` + base + `,"period_num":1.5}`, FPeriodNum, "whole number"},
		{"quantity string", `{` + base + `,"period_num":1,"purchase_quantity":"2"}`, FPurchaseQuantity, "must be a JSON integer"},
		{"bool string", `{` + base + `,"period_num":1,"is_auto_pay":"true"}`, FIsAutoPay, "JSON boolean"},
		{"name number", `{` + base + `,"period_num":1,"instance_name":5}`, FInstanceName, "JSON string"},
		{"unknown key", `{` + base + `,"period_num":1,"is_auto_renw":true}`, "is_auto_renw", "did you mean is_auto_renew?"},
		{"page heading key", `{` + base + `,"period_num":1,"ExtraResources":[]}`, "ExtraResources", "the API key is extra_resources"},
		{"extras not array", `{` + base + `,"period_num":1,"extra_resources":{"type":"evs"}}`, FExtraResources, "JSON array"},
		{"extra size string", `{` + base + `,"period_num":1,"extra_resources":[{"type":"evs","size":"20"}]}`, "extra_resources[0].size", "JSON integer"},
		{"extra no type", `{` + base + `,"period_num":1,"extra_resources":[{"size":20}]}`, "extra_resources[0].type", "is required"},
		{"extra unknown key", `{` + base + `,"period_num":1,"extra_resources":[{"type":"evs","sise":20}]}`, "extra_resources[0].sise", "did you mean size?"},
		{"tag no value", `{` + base + `,"period_num":1,"tags":[{"key":"a"}]}`, "tags[0].value", "is required"},
		{"image_ref string", `{"instance_name":"w","image_ref":"BT","period_num":1}`, FImageRef, "JSON object"},
		{"image_ref unknown", `{` + base + `,"period_num":1,"image_ref":{"name":"BT"}}`, "image_ref.name", "did you mean"},
		{"not an object", `[1]`, "body", "not a JSON object"},
		{"null", `null`, "body", "not a JSON object"},
		{"trailing data", `{` + base + `,"period_num":1} {}`, "body", "data after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ps := Decode([]byte(tt.body))
			found := false
			for _, p := range ps {
				found = found || (p.Field == tt.field && strings.Contains(p.Error(), tt.reason))
			}
			if !found {
				t.Errorf("problems = %v; want %s with %q", ps, tt.field, tt.reason)
			}
		})
	}
}

func TestDecodeYAML(t *testing.T) {
	y := `
instance_name: web-1
plan_spec: hf.large.1.30m.linux
image_ref: {image_name: WordPress, image_version: "6.4"}
region: ap-southeast-3
period_type: month
period_num: 2
purchase_quantity: 3
is_auto_pay: true
extra_resources:
  - {type: evs, size: 40}
  - {type: hss}
tags:
  - {key: env, value: prod}
`
	r, ps := DecodeYAMLOrJSON([]byte(y))
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if ps := r.Validate(cat(t), Options{}); len(ps) > 0 {
		t.Fatal(ps)
	}
	if r.PeriodNum != 2 || r.Quantity() != 3 || !r.AutoPay() || *r.ExtraResources[0].Size != 40 || r.Tags[0].Value != "prod" {
		t.Errorf("%+v", r)
	}
	// YAML that reads 6.4 as a number is a type error, not a silent "6.4".
	_, ps = DecodeYAMLOrJSON([]byte("image_ref: {image_name: WordPress, image_version: 6.4}\nperiod_num: 1\n"))
	if len(ps) == 0 || ps[0].Field != "image_ref.image_version" {
		t.Errorf("unquoted version: %v", ps)
	}
	if _, ps := DecodeYAMLOrJSON([]byte("a: [")); len(ps) == 0 {
		t.Error("bad YAML accepted")
	}
}

// FuzzValidate: decoding and validating never panics, and nothing is
// accepted that an independent reading of the page's rules rejects.
func FuzzValidate(f *testing.F) {
	f.Add([]byte(`{"instance_name":"test-0620-01","description":"test","plan_spec":"hf.large.1.30m.linux","image_ref":{"image_name":"BT","image_version":"6.8.35"},"region":"ap-southeast-3","charging_mode":"prePaid","period_type":"month","period_num":1,"purchase_quantity":2,"is_auto_renew":true,"is_auto_pay":true,"extra_resources":[{"type":"evs","size":20},{"type":"cbr","size":20},{"type":"hss"}]}`))
	f.Add([]byte(`{"instance_name":"a","plan_spec":"hf.large.1.30m.byol","image_ref":{"image_id":"x"},"region":"me-east-1","period_type":"year","period_num":3,"tags":[{"key":"k","value":""}]}`))
	f.Add([]byte(`{"period_num":"1"}`))
	c := cat(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, ps := Decode(data)
		if len(ps) > 0 || r == nil {
			return
		}
		if vs := r.Validate(c, Options{}); len(vs) > 0 {
			return
		}
		// Oracle: the page's rules, restated.
		name := r.InstanceName
		if n := utf8.RuneCountInString(name); n < 1 || n > 128 || !(name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z') {
			t.Fatalf("accepted instance_name %q", name)
		}
		if r.Description != nil && utf8.RuneCountInString(*r.Description) > 1024 {
			t.Fatal("accepted long description")
		}
		max := map[string]int{"month": 9, "year": 3}[r.PeriodType]
		if max == 0 || r.PeriodNum < 1 || r.PeriodNum > max {
			t.Fatalf("accepted period %s %d", r.PeriodType, r.PeriodNum)
		}
		if q := r.Quantity(); q < 1 || q > 200 {
			t.Fatalf("accepted quantity %d", q)
		}
		if r.ChargingMode != "" && r.ChargingMode != "prePaid" {
			t.Fatalf("accepted charging_mode %q", r.ChargingMode)
		}
		if _, ok := c.Region(r.Region); !ok {
			t.Fatalf("accepted region %q", r.Region)
		}
		if _, ok := c.Spec(r.PlanSpec); !ok {
			t.Fatalf("accepted plan_spec %q", r.PlanSpec)
		}
		seen := map[string]bool{}
		for _, e := range r.ExtraResources {
			if seen[e.Type] || (e.Type != "evs" && e.Type != "cbr" && e.Type != "hss") {
				t.Fatalf("accepted extra %+v", e)
			}
			seen[e.Type] = true
			if e.Size != nil && (e.Type == "hss" || *e.Size < 10 || *e.Size > 2048) {
				t.Fatalf("accepted extra size %+v", e)
			}
		}
		keys := map[string]bool{}
		for _, tg := range r.Tags {
			if n := utf8.RuneCountInString(tg.Key); n < 1 || n > 32 || keys[tg.Key] || utf8.RuneCountInString(tg.Value) > 2048 {
				t.Fatalf("accepted tag %+v", tg)
			}
			keys[tg.Key] = true
		}
		if r.ImageRef == nil || (r.ImageRef.ImageID == "" && r.ImageRef.ImageName == "") || (r.ImageRef.ImageID != "" && r.ImageRef.ImageName != "") {
			t.Fatalf("accepted image_ref %+v", r.ImageRef)
		}
	})
}
