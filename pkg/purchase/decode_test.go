package purchase

import (
	"bytes"
	"os"
	"path/filepath"
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
		{"name number", strings.Replace(`{`+base+`,"period_num":1}`, `"w"`, `5`, 1), FInstanceName, "JSON string"},
		{"unknown key", `{` + base + `,"period_num":1,"is_auto_renw":true}`, "is_auto_renw", "did you mean is_auto_renew?"},
		{"page heading key", `{` + base + `,"period_num":1,"ExtraResources":[]}`, "ExtraResources", "the API key is extra_resources"},
		{"extras not array", `{` + base + `,"period_num":1,"extra_resources":{"type":"evs"}}`, FExtraResources, "JSON array"},
		{"extra size string", `{` + base + `,"period_num":1,"extra_resources":[{"type":"evs","size":"20"}]}`, "extra_resources[0].size", "JSON integer"},
		{"extra no type", `{` + base + `,"period_num":1,"extra_resources":[{"size":20}]}`, "extra_resources[0].type", "is required"},
		{"extra unknown key", `{` + base + `,"period_num":1,"extra_resources":[{"type":"evs","sise":20}]}`, "extra_resources[0].sise", "did you mean size?"},
		{"tag no value", `{` + base + `,"period_num":1,"tags":[{"key":"a"}]}`, "tags[0].value", "is required"},
		{"image_ref string", `{"instance_name":"w","image_ref":"BT","period_num":1}`, FImageRef, "JSON object"},
		{"image_ref unknown", strings.Replace(`{`+base+`,"period_num":1}`, `"image_name"`, `"name"`, 1), "image_ref.name", "did you mean"},
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

const yamlBase = "instance_name: web-1\nplan_spec: hf.large.1.30m.linux\nimage_ref:\n  image_name: WordPress\n  image_version: \"6.4\"\nregion: ap-southeast-3\n"
const jsonBase = `"instance_name":"web-1","plan_spec":"hf.large.1.30m.linux","image_ref":{"image_name":"WordPress","image_version":"6.4"},"region":"ap-southeast-3"`

// What JSON or YAML would read leniently is an error naming the field: a
// repeated key (last one wins), bytes that are not UTF-8 (rewritten to
// U+FFFD), YAML forms JSON rejects.
func TestDecodeFileIsStrict(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"json duplicate key", `{` + jsonBase + `,"purchase_quantity":1,"is_auto_pay":true,"purchase_quantity":200}`,
			`purchase_quantity "200": is given more than once in the same object (first 1): only one value can count`},
		{"json duplicate nested", `{` + jsonBase + `,"tags":[{"key":"a","value":"x","key":"b"}]}`, `tags[0].key "\"b\"": is given more than once in the same object (first "a")`},
		{"json duplicate object", `{"image_ref":{"image_name":"BT"},` + jsonBase + `}`, `image_ref "{...}": is given more than once`},
		{"json not utf-8 value", `{` + jsonBase + `,"description":"caf` + "\xe9" + `"}`, `description "caf\xe9": is not valid UTF-8`},
		{"json not utf-8 key", `{` + jsonBase + `,"descr` + "\xff" + `":"x"}`, `descr\xff "descr\xff": is a key that is not valid UTF-8`},
		{"json lone surrogate", `{` + jsonBase + `,"tags":[{"key":"a","value":"\ud800"}]}`, `tags[0].value "\\ud800": holds a \u escape that is not a character`},
		{"json number for string", `{` + strings.Replace(jsonBase, `"6.4"`, `6.4`, 1) + `}`, `image_ref.image_version "6.4": must be a JSON string (quote it: "6.4")`},
		{"yaml duplicate key", yamlBase + "purchase_quantity: 1\nis_auto_pay: true\npurchase_quantity: 200\n", `purchase_quantity "200": is given more than once in the same mapping (line 9; first 1 on line 7)`},
		{"yaml duplicate nested", yamlBase + "tags:\n  - key: a\n    value: x\n    key: b\n", `tags[0].key "b": is given more than once in the same mapping (line 10; first a on line 8)`},
		{"yaml not utf-8", yamlBase + "description: caf\xe9 au lait\n", `description "description: caf\xe9 au lait": is not valid UTF-8 (line 7, column 17`},
		{"yaml not utf-8 in a list", yamlBase + "tags:\n  - key: env\n    value: pr\xffod\n", `tags[0].value "value: pr\xffod": is not valid UTF-8 (line 9, column 14`},
		{"yaml float for integer", yamlBase + "period_num: 1.0\n", `period_num "1.0": must be a whole number`},
		{"yaml hex", yamlBase + "purchase_quantity: 0x1\n", `purchase_quantity "0x1": is a number written in a form JSON does not accept`},
		{"yaml plus", yamlBase + "purchase_quantity: +1\n", `purchase_quantity "+1": is a number written in a form JSON does not accept`},
		{"yaml leading zero", yamlBase + "period_num: 01\n", `period_num "01": is a number written in a form JSON does not accept`},
		{"yaml infinity", yamlBase + "period_num: .inf\n", `period_num ".inf": is a number written in a form JSON does not accept`},
		{"yaml True", yamlBase + "is_auto_pay: True\n", `is_auto_pay "True": is a boolean written in a form JSON does not accept`},
		{"yaml merge key", "base: &b\n  period_type: month\n" + yamlBase + "<<: *b\n", `base "": uses a YAML anchor (&b)`},
		{"yaml merge key alone", yamlBase + "<<: {period_num: 2}\n", `<< "<<": is a YAML merge key (<<): merge keys are not accepted`},
		{"yaml alias", yamlBase + "description: &d shop\ntags:\n  - key: d\n    value: *d\n", `tags[0].value "d": is a YAML alias (*d)`},
		{"yaml tag", yamlBase + "description: !!str 8.0\n", `description "8.0": has a YAML tag (!!str)`},
		{"yaml two documents", yamlBase + "---\n" + yamlBase, `body "": holds more than one YAML document`},
		{"yaml not a mapping", "- a\n- b\n", `body "": is not a YAML mapping`},
		{"yaml syntax", "a: [\n", `body "": is not valid YAML`},
		{"empty", "", `body "": is empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ps := DecodeFile([]byte(tt.body))
			if !strings.Contains(ps.Error(), tt.want) {
				t.Errorf("problems:\n%s\nwant %s", ps.Error(), tt.want)
			}
		})
	}
}

// A YAML file's errors never speak of JSON; an unquoted version keeps its
// text and says how to quote it.
func TestYAMLVersionNeedsQuotes(t *testing.T) {
	body := strings.Replace(yamlBase, `"6.4"`, "8.0", 1)
	_, ps := DecodeFile([]byte(body))
	want := `image_ref.image_version "8.0": must be a string (quote it: "8.0")`
	if len(ps) != 1 || ps[0].Error() != want {
		t.Errorf("%v\nwant %s", ps, want)
	}
	_, ps = DecodeFile([]byte(yamlBase + "period_num: \"1\"\nis_auto_pay: \"yes\"\ntags: {key: a}\nextra_resources:\n  - type: 1\n"))
	if len(ps) != 4 || strings.Contains(ps.Error(), "JSON") {
		t.Errorf("YAML problems mention JSON:\n%s", ps.Error())
	}
}

// A file gets the flags' defaults: period_type month, period_num 1; a
// value the file gives is kept, even a wrong one.
func TestDecodeFileDefaults(t *testing.T) {
	for _, body := range []string{yamlBase, `{` + jsonBase + `}`} {
		r, ps := DecodeFile([]byte(body))
		if len(ps) > 0 || r.PeriodType != PeriodMonth || r.PeriodNum != 1 {
			t.Fatalf("%v %+v", ps, r)
		}
		if ps := r.Validate(cat(t), Options{}); len(ps) > 0 {
			t.Error(ps)
		}
	}
	r, _ := DecodeFile([]byte(yamlBase + "period_type: year\nperiod_num: 0\n"))
	if r.PeriodType != PeriodYear || r.PeriodNum != 0 || !strings.Contains(r.Validate(cat(t), Options{}).Error(), "period_num") {
		t.Errorf("explicit values replaced: %+v", r)
	}
	// Decode (the API's own reading, used by the sandbox) has no defaults.
	r, _ = Decode([]byte(`{` + jsonBase + `}`))
	if r.PeriodType != "" || r.PeriodNum != 0 {
		t.Errorf("Decode defaulted: %+v", r)
	}
}

// The shipped example is a valid purchase.
func TestExampleFileIsValid(t *testing.T) {
	data, err := os.ReadFile("../../configs/purchase.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, ps := DecodeFile(data)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if ps := r.Validate(cat(t), Options{}); len(ps) > 0 {
		t.Fatal(ps)
	}
	if len(r.Tags) == 0 || len(r.ExtraResources) == 0 || r.Description == nil {
		t.Errorf("the example should show every field: %+v", r)
	}
}

func TestReadFileLimit(t *testing.T) {
	exact := bytes.Repeat([]byte("a"), MaxFileBytes)
	if data, err := ReadFile("-", bytes.NewReader(exact)); err != nil || len(data) != MaxFileBytes {
		t.Errorf("1 MiB: %d %v", len(data), err)
	}
	_, err := ReadFile("-", bytes.NewReader(append(exact, 'b')))
	if err == nil || !strings.Contains(err.Error(), "stdin is larger than 1048576 bytes (1 MiB)") {
		t.Errorf("1 MiB + 1 on stdin: %v", err)
	}
	path := filepath.Join(t.TempDir(), "big.json")
	os.WriteFile(path, append(exact, 'b'), 0o600)
	if _, err := ReadFile(path, nil); err == nil || !strings.Contains(err.Error(), path+" is larger than") {
		t.Errorf("1 MiB + 1 from a file: %v", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := ReadFile("/dev/zero", nil); err == nil || !strings.Contains(err.Error(), "larger than") {
			t.Errorf("/dev/zero: %v", err)
		}
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "none"), nil); err == nil {
		t.Error("a missing file was read")
	}
}

// Flags reach Validate unchanged: text that is not UTF-8 is refused there.
func TestValidateRefusesNotUTF8(t *testing.T) {
	r := valid()
	r.Tags = []Tag{{Key: "env", Value: "pr\xffod"}}
	r.Description = Ptr("caf\xe9")
	r.InstanceName = "web\xff"
	got := r.Validate(cat(t), Options{}).Error()
	for _, want := range []string{`tags[0].value "pr\xffod": is not valid UTF-8`, `description "caf\xe9": is not valid UTF-8`, `instance_name "web\xff": is not valid UTF-8`} {
		if !strings.Contains(got, want) {
			t.Errorf("%s\nlacks %s", got, want)
		}
	}
	r = valid()
	r.ImageRef = &ImageRef{ImageID: "img\xff"}
	r.PlanSpec = "hf.large.1.30m.byol"
	if got := r.Validate(cat(t), Options{SkipCatalog: true}).Error(); !strings.Contains(got, `image_ref.image_id "img\xff": is not valid UTF-8`) {
		t.Error(got)
	}
}

// FuzzDecodeFile: reading a request file never panics; whatever it
// accepts is valid UTF-8 and holds no key given twice.
func FuzzDecodeFile(f *testing.F) {
	f.Add([]byte(yamlBase))
	f.Add([]byte(`{` + jsonBase + `}`))
	f.Add([]byte(yamlBase + "<<: {a: 1}\nperiod_num: 0x1\n"))
	f.Add([]byte("a: &x 1\nb: *x\n"))
	f.Add([]byte(`{"a":1,"a":2}`))
	f.Add([]byte("description: caf\xe9\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, ps := DecodeFile(data)
		if len(ps) > 0 || r == nil {
			return
		}
		body, err := r.Body()
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(body) || bytes.Contains(body, []byte("\ufffd")) && !bytes.Contains(data, []byte("\ufffd")) && !bytes.Contains(bytes.ToLower(data), []byte(`\ufffd`)) {
			t.Fatalf("accepted %q as %s", data, body)
		}
		if ps := scanJSON(body); len(ps) > 0 {
			t.Fatalf("body has problems %v", ps)
		}
	})
}
