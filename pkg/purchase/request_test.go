package purchase

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/catalog"
)

func cat(t testing.TB) *catalog.Catalog {
	c, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// valid is a minimal valid request; each case below breaks one rule.
func valid() *Request {
	return &Request{InstanceName: "web-1", PlanSpec: "hf.large.1.30m.linux", ImageRef: &ImageRef{ImageName: "WordPress", ImageVersion: "6.4"}, Region: "ap-southeast-3", PeriodType: PeriodMonth, PeriodNum: 1}
}

func TestPageExampleIsValidAndRoundTrips(t *testing.T) {
	data, err := os.ReadFile("testdata/page-example.json")
	if err != nil {
		t.Fatal(err)
	}
	r, ps := Decode(data)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if ps := r.Validate(cat(t), Options{}); len(ps) > 0 {
		t.Fatal(ps)
	}
	body, _ := r.Body()
	var got, want any
	json.Unmarshal(body, &got)
	json.Unmarshal(data, &want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("body %s\nwant %s", body, data)
	}
}

func TestRules(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name   string
		mutate func(r *Request)
		field  string // "" means valid
		reason string
	}{
		{"valid", func(r *Request) {}, "", ""},
		{"name missing", func(r *Request) { r.InstanceName = "" }, FInstanceName, "is required"},
		{"name starts with digit", func(r *Request) { r.InstanceName = "1web" }, FInstanceName, "must start with a letter"},
		{"name bad char", func(r *Request) { r.InstanceName = "web.1" }, FInstanceName, "only letters, digits"},
		{"name 128 ok", func(r *Request) { r.InstanceName = long(128) }, "", ""},
		{"name 129", func(r *Request) { r.InstanceName = long(129) }, FInstanceName, "1 to 128 characters (it has 129)"},
		{"name underscore hyphen ok", func(r *Request) { r.InstanceName = "a_b-C9" }, "", ""},
		{"description 1024 runes ok", func(r *Request) { r.Description = Ptr(strings.Repeat("é", 1024)) }, "", ""},
		{"description 1025", func(r *Request) { r.Description = Ptr(long(1025)) }, FDescription, "0 to 1024 characters (it has 1025)"},
		{"description empty ok", func(r *Request) { r.Description = Ptr("") }, "", ""},
		{"spec missing", func(r *Request) { r.PlanSpec = "" }, FPlanSpec, "is required"},
		{"spec typo", func(r *Request) { r.PlanSpec = "hf.large.3.30m.linux" }, FPlanSpec, "did you mean hf.large.2.30m.linux or hf.large.4.30m.linux?"},
		{"spec not for image", func(r *Request) { r.ImageRef.ImageName = "GitLab"; r.ImageRef.ImageVersion = "16.9.3" }, FPlanSpec, "is not supported by GitLab 16.9.3"},
		{"spec region note", func(r *Request) {
			r.ImageRef = &ImageRef{ImageName: "CentOS", ImageVersion: "7.6"}
			r.PlanSpec = "hf.large.025.30m.linux"
			r.Region = "sa-brazil-1"
		}, FPlanSpec, "only in ap-southeast-1 (CN-Hong Kong), ap-southeast-3 (AP-Singapore)"},
		{"image missing", func(r *Request) { r.ImageRef = nil }, FImageRef, "is required"},
		{"image unknown", func(r *Request) { r.ImageRef.ImageName = "Wordpres" }, FImageName, "did you mean WordPress?"},
		{"image case-insensitive", func(r *Request) { r.ImageRef.ImageName = "wordpress" }, "", ""},
		{"image version wrong", func(r *Request) { r.ImageRef.ImageVersion = "6.5" }, FImageVersion, "is not a version of WordPress"},
		{"one version may be left out", func(r *Request) { r.ImageRef.ImageVersion = "" }, "", ""},
		{"version required for many", func(r *Request) { r.ImageRef = &ImageRef{ImageName: "Ubuntu"} }, FImageVersion, "is required: Ubuntu has 4 versions"},
		{"version region note", func(r *Request) {
			r.ImageRef = &ImageRef{ImageName: "CentOS", ImageVersion: "7.3"}
			r.Region = "me-east-1"
		}, FImageVersion, "not offered in me-east-1 (ME-Riyadh)"},
		{"image id and name", func(r *Request) { r.ImageRef.ImageID = "img-1" }, FImageID, "cannot be combined"},
		{"private windows spec", func(r *Request) { r.ImageRef = &ImageRef{ImageID: "img-1"}; r.PlanSpec = "hf.large.1.30m.byol" }, "", ""},
		{"private bad spec", func(r *Request) { r.ImageRef = &ImageRef{ImageID: "img-1"}; r.PlanSpec = "hf.large.3.30m.byol" }, FPlanSpec, "not a FlexusL spec code"},
		{"region missing", func(r *Request) { r.Region = "" }, FRegion, "is required"},
		{"region unknown", func(r *Request) { r.Region = "ap-southeast-4" }, FRegion, "is not a FlexusL region"},
		{"charging postPaid", func(r *Request) { r.ChargingMode = "postPaid" }, FChargingMode, "must be prePaid"},
		{"period type missing", func(r *Request) { r.PeriodType = "" }, FPeriodType, "is required"},
		{"period type bad", func(r *Request) { r.PeriodType = "months" }, FPeriodType, "did you mean month?"},
		{"period missing", func(r *Request) { r.PeriodNum = 0 }, FPeriodNum, "is required: 1 to 9"},
		{"month 9 ok", func(r *Request) { r.PeriodNum = 9 }, "", ""},
		{"month 10", func(r *Request) { r.PeriodNum = 10 }, FPeriodNum, "must be 1 to 9 when period_type is month"},
		{"year 3 ok", func(r *Request) { r.PeriodType = PeriodYear; r.PeriodNum = 3 }, "", ""},
		{"year 4", func(r *Request) { r.PeriodType = PeriodYear; r.PeriodNum = 4 }, FPeriodNum, "must be 1 to 3 when period_type is year"},
		{"period negative", func(r *Request) { r.PeriodNum = -1 }, FPeriodNum, "must be 1 to 9"},
		{"quantity 0", func(r *Request) { r.PurchaseQuantity = Ptr(0) }, FPurchaseQuantity, "must be 1 to 200"},
		{"quantity 200 ok", func(r *Request) { r.PurchaseQuantity = Ptr(200) }, "", ""},
		{"quantity 201", func(r *Request) { r.PurchaseQuantity = Ptr(201) }, FPurchaseQuantity, "must be 1 to 200"},
		{"evs 9", func(r *Request) { r.ExtraResources = []ExtraResource{{ResourceEVS, Ptr(9)}} }, "extra_resources[0].size", "must be 10 to 2048 GiB"},
		{"evs 10 ok", func(r *Request) { r.ExtraResources = []ExtraResource{{ResourceEVS, Ptr(10)}} }, "", ""},
		{"cbr 2048 ok", func(r *Request) { r.ExtraResources = []ExtraResource{{ResourceCBR, Ptr(2048)}} }, "", ""},
		{"cbr 2049", func(r *Request) { r.ExtraResources = []ExtraResource{{ResourceCBR, Ptr(2049)}} }, "extra_resources[0].size", "must be 10 to 2048 GiB"},
		{"hss with size", func(r *Request) { r.ExtraResources = []ExtraResource{{ResourceHSS, Ptr(10)}} }, "extra_resources[0].size", "hss"},
		{"unknown type", func(r *Request) { r.ExtraResources = []ExtraResource{{"ebs", Ptr(10)}} }, "extra_resources[0].type", "did you mean evs?"},
		{"type twice", func(r *Request) { r.ExtraResources = []ExtraResource{{ResourceEVS, Ptr(10)}, {ResourceEVS, Ptr(20)}} }, "extra_resources[1].type", "more than once"},
		{"tag ok", func(r *Request) { r.Tags = []Tag{{"env", "prod"}, {"Team_1", ""}} }, "", ""},
		{"tag key empty", func(r *Request) { r.Tags = []Tag{{"", "x"}} }, "tags[0].key", "is required"},
		{"tag key digit", func(r *Request) { r.Tags = []Tag{{"1env", "x"}} }, "tags[0].key", "must start with a letter"},
		{"tag key 33", func(r *Request) { r.Tags = []Tag{{long(33), "x"}} }, "tags[0].key", "1 to 32 characters"},
		{"tag value 2049", func(r *Request) { r.Tags = []Tag{{"k", long(2049)}} }, "tags[0].value", "0 to 2048 characters"},
		{"tag duplicate", func(r *Request) { r.Tags = []Tag{{"k", "a"}, {"k", "b"}} }, "tags[1].key", "more than once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid()
			tt.mutate(r)
			ps := r.Validate(cat(t), Options{})
			if tt.field == "" {
				if len(ps) > 0 {
					t.Fatalf("unexpected problems: %v", ps)
				}
				return
			}
			if len(ps) != 1 || ps[0].Field != tt.field || !strings.Contains(ps[0].Error(), tt.reason) {
				t.Fatalf("problems = %v; want one on %s with %q", ps, tt.field, tt.reason)
			}
		})
	}
}

func TestEveryViolationAtOnce(t *testing.T) {
	r := &Request{InstanceName: "1x", PlanSpec: "nope", Region: "mars", PeriodType: "week", PurchaseQuantity: Ptr(0), ImageRef: &ImageRef{ImageName: "BT"}}
	ps := r.Validate(cat(t), Options{})
	var fields []string
	for _, p := range ps {
		fields = append(fields, p.Field)
	}
	want := []string{FInstanceName, FPeriodType, FPurchaseQuantity, FRegion, FPlanSpec}
	if !reflect.DeepEqual(fields, want) {
		t.Errorf("fields = %v, want %v", fields, want)
	}
}

func TestSkipCatalogKeepsFormatChecks(t *testing.T) {
	r := valid()
	r.PlanSpec = "hf.large.8.30m.linux" // newer than the catalog
	r.Region = "af-south-1"
	r.ImageRef.ImageName = "NewApp"
	r.ImageRef.ImageVersion = "1.0"
	if ps := r.Validate(cat(t), Options{SkipCatalog: true}); len(ps) > 0 {
		t.Errorf("catalog checks not skipped: %v", ps)
	}
	r.PeriodNum = 12
	r.InstanceName = "bad name"
	if ps := r.Validate(cat(t), Options{SkipCatalog: true}); len(ps) != 2 {
		t.Errorf("format checks skipped: %v", ps)
	}
}

func TestNormalize(t *testing.T) {
	r := valid()
	r.ImageRef = &ImageRef{ImageName: "wordpress"}
	r.ExtraResources = []ExtraResource{{ResourceHSS, nil}, {ResourceCBR, Ptr(20)}, {ResourceEVS, Ptr(30)}}
	r.Normalize(cat(t))
	body, _ := r.Body()
	want := `{"instance_name":"web-1","plan_spec":"hf.large.1.30m.linux","image_ref":{"image_name":"WordPress","image_version":"6.4"},"region":"ap-southeast-3","charging_mode":"prePaid","period_type":"month","period_num":1,"extra_resources":[{"type":"evs","size":30},{"type":"cbr","size":20},{"type":"hss"}]}`
	if string(body) != want {
		t.Errorf("body\n %s\nwant\n %s", body, want)
	}
	p := &Request{InstanceName: "w", PlanSpec: "hf.large.1.30m.byol", ImageRef: &ImageRef{ImageID: "abc"}, Region: "me-east-1", PeriodType: PeriodYear, PeriodNum: 1}
	p.Normalize(cat(t))
	body, _ = p.Body()
	if !strings.Contains(string(body), `"image_ref":{"image_id":"abc"}`) {
		t.Errorf("private image body %s", body)
	}
}

func TestClientRequestID(t *testing.T) {
	tests := map[string]bool{
		"85a56f6c-8aee-4e4b-bf76-5d98d1ac023d":   true,
		strings.Repeat("a", 36):                  true,
		strings.Repeat("a", 128):                 true,
		strings.Repeat("a", 35):                  false,
		strings.Repeat("a", 129):                 false,
		"-5a56f6c-8aee-4e4b-bf76-5d98d1ac023d":   false,
		"85a56f6c_8aee-4e4b-bf76-5d98d1ac023d":   false,
		"":                                       false,
		"85A56F6C-8AEE-4E4B-BF76-5D98D1AC023D-x": true,
	}
	for id, ok := range tests {
		if p := CheckClientRequestID(id); (p == nil) != ok {
			t.Errorf("%q: %v", id, p)
		}
	}
}

func TestParseTag(t *testing.T) {
	if tg, err := ParseTag("env=prod=1"); err != nil || tg != (Tag{"env", "prod=1"}) {
		t.Errorf("%v %v", tg, err)
	}
	if tg, err := ParseTag("empty="); err != nil || tg != (Tag{"empty", ""}) {
		t.Errorf("%v %v", tg, err)
	}
	if _, err := ParseTag("novalue"); err == nil {
		t.Error("accepted")
	}
}
