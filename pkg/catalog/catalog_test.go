package catalog

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The expectations below are typed from the purchase page's appendix, not
// derived from catalog.json, so a slip in either shows up here.

const (
	s025  = "hf.large.025.30m.linux"
	s05   = "hf.large.05.30m.linux"
	s1    = "hf.large.1.30m.linux"
	s2    = "hf.large.2.30m.linux"
	s4    = "hf.large.4.30m.linux"
	sx2   = "hf.xlarge.2.30m.linux"
	sx4   = "hf.xlarge.4.30m.linux"
	allR  = ""
	hk    = "ap-southeast-1"
	sg    = "ap-southeast-3"
	bkk   = "ap-southeast-2"
	ist   = "tr-west-1"
	sao   = "sa-brazil-1"
	riy   = "me-east-1"
	table = "table"
)

var (
	app5 = []string{s1, s2, s4, sx2, sx4}
	app4 = []string{s2, s4, sx2, sx4}
	app3 = []string{s4, sx2, sx4}
	os6  = []string{s05, s1, s2, s4, sx2, sx4}
	os7  = []string{s025, s05, s1, s2, s4, sx2, sx4}
)

func mustDefault(t testing.TB) *Catalog {
	t.Helper()
	c, err := Default()
	if err != nil {
		t.Fatalf("embedded catalog: %v", err)
	}
	return c
}

func TestRegions(t *testing.T) {
	c := mustDefault(t)
	want := []Region{{hk, "CN-Hong Kong"}, {sg, "AP-Singapore"}, {bkk, "AP-Bangkok"}, {ist, "TR-Istanbul"}, {sao, "LA-Sao Paulo1"}, {riy, "ME-Riyadh"}}
	if !reflect.DeepEqual(c.Regions, want) {
		t.Fatalf("regions = %v, want %v", c.Regions, want)
	}
}

// Table 9: application images, one version each.
func TestTable9ApplicationImages(t *testing.T) {
	c := mustDefault(t)
	tests := []struct {
		name, version string
		specs         []string
	}{
		{"BT", "6.8.35", app5}, {"CRM", "8.0", app5}, {"Ghost", "5.67", app5},
		{"GitLab", "16.9.3", app3}, {"Joomla", "5.0.3", app5}, {"KodBox", "1.49", app5},
		{"Matomo", "5.0.3", app5}, {"Moodle", "4.3.4", app5}, {"Nextcloud", "28.0.3", app4},
		{"Nodejs", "21", app5}, {"Odoo", "17.0", app5}, {"Portainer", "2.19.4", app5},
		{"PrestaShop", "8.1.5", app5}, {"Redmine", "5.1", app5}, {"SRS", "6.0.101", app4},
		{"Superset", "3.1.1", app3}, {"WordPress", "6.4", app5},
	}
	var apps []string
	for _, im := range c.Images {
		if im.Type == TypeApplication {
			apps = append(apps, im.Name)
		}
	}
	if len(apps) != len(tests) {
		t.Fatalf("%d application images, want %d: %v", len(apps), len(tests), apps)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im, ok := c.Image(tt.name)
			if !ok || im.Type != TypeApplication {
				t.Fatalf("image %s missing or not an application image", tt.name)
			}
			if got := im.VersionNames(allR); !reflect.DeepEqual(got, []string{tt.version}) {
				t.Fatalf("versions = %v, want [%s]", got, tt.version)
			}
			for _, r := range c.RegionIDs() {
				v, _ := im.Version(tt.version)
				if got := v.SpecsIn(r); !reflect.DeepEqual(got, tt.specs) {
					t.Errorf("%s specs = %v, want %v", r, got, tt.specs)
				}
			}
		})
	}
}

// Table 10 with its notes, per region.
func TestTable10OSImages(t *testing.T) {
	c := mustDefault(t)
	smallRegions := map[string]bool{hk: true, sg: true}
	centOSExcluded := map[string]bool{"8.2": true, "8.1": true, "8.0": true, "7.3": true, "7.2": true}
	type row struct {
		name, version string
		small         bool // hf.large.025 offered (in HK and SG only)
		exclIstRiy    bool // not offered in TR-Istanbul and ME-Riyadh
	}
	var rows []row
	for _, v := range []string{"22.04", "20.04", "18.04", "16.04"} {
		rows = append(rows, row{"Ubuntu", v, false, false})
	}
	rows = append(rows, row{"Huawei Cloud EulerOS", "2.0", true, false})
	for _, v := range []string{"8.2", "8.1", "8.0", "7.9", "7.8", "7.7", "7.6", "7.5", "7.4", "7.3", "7.2"} {
		rows = append(rows, row{"CentOS", v, v == "7.6", centOSExcluded[v]})
	}
	rows = append(rows, row{"Debian", "11.1", true, false}, row{"Debian", "9.0", false, false})

	versions := map[string][]string{}
	for _, r := range rows {
		versions[r.name] = append(versions[r.name], r.version)
	}
	for name, vs := range versions {
		im, ok := c.Image(name)
		if !ok || im.Type != TypeOS {
			t.Fatalf("OS image %s missing", name)
		}
		if got := im.VersionNames(allR); !reflect.DeepEqual(got, vs) {
			t.Errorf("%s versions = %v, want %v", name, got, vs)
		}
	}
	for _, r := range rows {
		for _, region := range c.RegionIDs() {
			t.Run(r.name+"/"+r.version+"/"+region, func(t *testing.T) {
				im, _ := c.Image(r.name)
				v, ok := im.Version(r.version)
				if !ok {
					t.Fatal("version missing")
				}
				var want []string
				switch {
				case r.exclIstRiy && (region == ist || region == riy):
					want = nil
				case r.small && smallRegions[region]:
					want = os7
				default:
					want = os6
				}
				if got := v.SpecsIn(region); !reflect.DeepEqual(got, want) {
					t.Errorf("specs = %v, want %v", got, want)
				}
			})
		}
	}
}

// Table 11: private images.
func TestTable11PrivateImages(t *testing.T) {
	c := mustDefault(t)
	if got := c.PrivateSpecs(OSLinux); !reflect.DeepEqual(got, os7) {
		t.Errorf("linux = %v", got)
	}
	win := []string{"hf.large.1.30m.byol", "hf.large.2.30m.byol", "hf.large.4.30m.byol", "hf.xlarge.2.30m.byol", "hf.xlarge.4.30m.byol"}
	if got := c.PrivateSpecs(OSWindows); !reflect.DeepEqual(got, win) {
		t.Errorf("windows = %v", got)
	}
	// Table 11 puts no region note on hf.large.025 for private images.
	for _, r := range c.RegionIDs() {
		if _, ps := c.Check(Selection{Region: r, Private: true, Spec: s025}); len(ps) != 0 {
			t.Errorf("private %s in %s: %v", s025, r, ps)
		}
	}
}

// Tables 12 and 13: figures of all 12 codes.
func TestTables12And13Figures(t *testing.T) {
	c := mustDefault(t)
	want := []Spec{
		{s025, OSLinux, 2, 0.5, 20, 30, 1024},
		{s05, OSLinux, 2, 1, 40, 30, 2048},
		{s1, OSLinux, 2, 2, 60, 30, 3072},
		{s2, OSLinux, 2, 4, 80, 30, 4096},
		{s4, OSLinux, 2, 8, 160, 30, 5120},
		{sx2, OSLinux, 4, 8, 240, 30, 6144},
		{sx4, OSLinux, 4, 16, 320, 30, 7168},
		{"hf.large.1.30m.byol", OSWindows, 2, 2, 60, 30, 3072},
		{"hf.large.2.30m.byol", OSWindows, 2, 4, 80, 30, 4096},
		{"hf.large.4.30m.byol", OSWindows, 2, 8, 160, 30, 5120},
		{"hf.xlarge.2.30m.byol", OSWindows, 4, 8, 240, 30, 6144},
		{"hf.xlarge.4.30m.byol", OSWindows, 4, 16, 320, 30, 7168},
	}
	if !reflect.DeepEqual(c.Specs, want) {
		t.Fatalf("specs:\n got %v\nwant %v", c.Specs, want)
	}
}

func TestImageNamesCaseInsensitive(t *testing.T) {
	c := mustDefault(t)
	for in, want := range map[string]string{"wordpress": "WordPress", "GITLAB": "GitLab", "huawei cloud euleros": "Huawei Cloud EulerOS", " debian ": "Debian"} {
		im, ok := c.Image(in)
		if !ok || im.Name != want {
			t.Errorf("Image(%q) = %v, %v; want %s", in, im, ok, want)
		}
	}
}

func TestCheck(t *testing.T) {
	c := mustDefault(t)
	tests := []struct {
		name    string
		sel     Selection
		fields  []string // problem fields, in order
		reason  string   // substring of the first problem
		suggest []string // suggestions of the first problem
	}{
		{"page example", Selection{Region: sg, Image: "BT", Version: "6.8.35", Spec: s1}, nil, "", nil},
		{"one-version image without version", Selection{Region: sg, Image: "wordpress", Spec: s1}, nil, "", nil},
		{"typo spec", Selection{Region: sg, Image: "BT", Version: "6.8.35", Spec: "hf.large.3.30m.linux"}, []string{FieldPlanSpec}, "is not a FlexusL spec code", []string{s2, s4}},
		{"spec not for image", Selection{Region: sg, Image: "GitLab", Spec: s1}, []string{FieldPlanSpec}, "is not supported by GitLab 16.9.3", nil},
		{"025 outside HK/SG", Selection{Region: bkk, Image: "Debian", Version: "11.1", Spec: s025}, []string{FieldPlanSpec}, "only in ap-southeast-1 (CN-Hong Kong), ap-southeast-3 (AP-Singapore)", nil},
		{"025 for Debian 9.0", Selection{Region: hk, Image: "Debian", Version: "9.0", Spec: s025}, []string{FieldPlanSpec}, "is not supported by Debian 9.0", nil},
		{"025 for CentOS 7.6 in SG", Selection{Region: sg, Image: "CentOS", Version: "7.6", Spec: s025}, nil, "", nil},
		{"025 for CentOS 7.5", Selection{Region: sg, Image: "CentOS", Version: "7.5", Spec: s025}, []string{FieldPlanSpec}, "not supported", nil},
		{"CentOS 8.2 in Istanbul", Selection{Region: ist, Image: "CentOS", Version: "8.2", Spec: s1}, []string{FieldImageVersion}, "not offered in tr-west-1 (TR-Istanbul)", nil},
		{"CentOS 7.2 in Riyadh", Selection{Region: riy, Image: "CentOS", Version: "7.2", Spec: s1}, []string{FieldImageVersion}, "not offered in me-east-1", nil},
		{"CentOS 7.9 in Riyadh", Selection{Region: riy, Image: "CentOS", Version: "7.9", Spec: s1}, nil, "", nil},
		{"Ubuntu needs a version", Selection{Region: sg, Image: "Ubuntu", Spec: s1}, []string{FieldImageVersion}, "is required: Ubuntu has 4 versions", nil},
		{"unknown version", Selection{Region: sg, Image: "Ubuntu", Version: "22.4", Spec: s1}, []string{FieldImageVersion}, "is not a version of Ubuntu", []string{"22.04"}},
		{"unknown image", Selection{Region: sg, Image: "Wordpres", Spec: s1}, []string{FieldImageName}, "is not a FlexusL", []string{"WordPress"}},
		{"bad region and spec", Selection{Region: "ap-southeast-4", Image: "BT", Spec: "x"}, []string{FieldRegion, FieldPlanSpec}, "is not a FlexusL region", []string{sg}},
		{"private windows", Selection{Region: sao, Private: true, Spec: "hf.large.2.30m.byol"}, nil, "", nil},
		{"private unknown", Selection{Region: sao, Private: true, Spec: "hf.large.2.30m.byo"}, []string{FieldPlanSpec}, "not a FlexusL spec code", []string{"hf.large.2.30m.byol"}},
		{"app image with windows spec", Selection{Region: sg, Image: "BT", Spec: "hf.large.1.30m.byol"}, []string{FieldPlanSpec}, "is not supported by BT 6.8.35", nil},
		{"missing everything", Selection{}, []string{FieldRegion, FieldImageName, FieldPlanSpec}, "is required", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, ps := c.Check(tt.sel)
			var fields []string
			for _, p := range ps {
				fields = append(fields, p.Field)
			}
			if !reflect.DeepEqual(fields, tt.fields) {
				t.Fatalf("fields = %v, want %v (%v)", fields, tt.fields, ps)
			}
			if len(ps) == 0 {
				if res.Spec.Code != tt.sel.Spec {
					t.Errorf("resolved spec = %q", res.Spec.Code)
				}
				return
			}
			if !strings.Contains(ps[0].Error(), tt.reason) {
				t.Errorf("problem %q lacks %q", ps[0].Error(), tt.reason)
			}
			if tt.suggest != nil && !reflect.DeepEqual(ps[0].Suggestions, tt.suggest) {
				t.Errorf("suggestions = %v, want %v", ps[0].Suggestions, tt.suggest)
			}
		})
	}
}

func TestProblemErrorNamesFieldValueAllowed(t *testing.T) {
	c := mustDefault(t)
	_, ps := c.Check(Selection{Region: sg, Image: "BT", Spec: "hf.large.3.30m.linux"})
	got := ps[0].Error()
	want := `plan_spec "hf.large.3.30m.linux": is not a FlexusL spec code; allowed: hf.large.1.30m.linux, hf.large.2.30m.linux, hf.large.4.30m.linux, hf.xlarge.2.30m.linux, hf.xlarge.4.30m.linux; did you mean hf.large.2.30m.linux or hf.large.4.30m.linux?`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestParseRejectsBadData(t *testing.T) {
	good := string(Embedded())
	tests := map[string]struct{ old, new, err string }{
		"unknown row":        {"\nsource  |", "\nsorce |", `line 15: unknown row "sorce"`},
		"undeclared spec":    {"| BT         | 6.8.35  | hf.large.1.30m.linux", "| BT | 6.8.35 | hf.large.9.30m.linux", `undeclared spec "hf.large.9.30m.linux"`},
		"undeclared region":  {"| tr-west-1 me-east-1", "| tr-west-9", `undeclared region "tr-west-9"`},
		"region limit typo":  {"hf.large.025.30m.linux@ap-southeast-1,ap-southeast-3", "hf.large.025.30m.linux@ap-southeast-1,ap-southeast-33", `undeclared region "ap-southeast-33"`},
		"bad vcpus":          {"| linux   | 2 | 0.5 |", "| linux   | two | 0.5 |", "is not a positive whole number"},
		"bad memory":         {"| linux   | 2 | 0.5 |", "| linux   | 2 | -1 |", "is not a positive number"},
		"missing field":      {"region  | ap-southeast-1 | CN-Hong Kong", "region  | ap-southeast-1", "region row has 2 fields"},
		"duplicate region":   {"region  | ap-southeast-3 | AP-Singapore", "region  | ap-southeast-1 | AP-Singapore", "declared twice"},
		"bad os":             {"| hf.large.1.30m.byol    | windows |", "| hf.large.1.30m.byol    | win |", `os "win"`},
		"bad type":           {"image   | application | BT ", "image   | app | BT ", `type "app"`},
		"private wrong os":   {"private | windows | hf.large.1.30m.byol", "private | windows | hf.large.1.30m.linux", "names linux spec"},
		"duplicate version":  {"| Debian | 9.0 |", "| Debian | 11.1 |", "declared twice"},
		"duplicate spec ref": {"| GitLab     | 16.9.3  | hf.large.4.30m.linux", "| GitLab     | 16.9.3  | hf.large.4.30m.linux hf.large.4.30m.linux", "twice"},
	}
	for name, tt := range tests {
		data := strings.Replace(good, tt.old, tt.new, 1)
		if data == good {
			t.Fatalf("%s: replacement did not apply", name)
		}
		_, err := Parse([]byte(data))
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: err = %v, want %q", name, err, tt.err)
		}
	}
	for _, data := range []string{"", "# only a comment\n"} {
		if _, err := Parse([]byte(data)); err == nil {
			t.Errorf("%q accepted", data)
		}
	}
}

func TestLoadOverride(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cat.txt")
	data := string(Embedded()) + "region | af-south-1 | AF-Johannesburg\nimage | os | Ubuntu | 24.04 | hf.large.1.30m.linux\n"
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(c.RegionIDs(), "af-south-1") {
		t.Error("override region missing")
	}
	if _, ps := c.Check(Selection{Region: "af-south-1", Image: "ubuntu", Version: "24.04", Spec: s1}); len(ps) != 0 {
		t.Errorf("new version: %v", ps)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.txt")); err == nil {
		t.Error("missing file accepted")
	}
}

// Whatever Parse accepts is internally consistent, and Parse never panics.
func FuzzParse(f *testing.F) {
	f.Add(Embedded())
	f.Add([]byte("region | r | R\nspec | c | linux | 1 | 1 | 1 | 1 | 1\nimage | os | X | 1 | c@r\nprivate | linux | c\nprivate | windows | c\n"))
	f.Add([]byte("image | os | X | 1 | c | r"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		for _, im := range c.Images {
			for _, v := range im.Versions {
				for _, r := range c.RegionIDs() {
					for _, code := range v.SpecsIn(r) {
						if _, ok := c.Spec(code); !ok {
							t.Fatalf("accepted undeclared code %q", code)
						}
					}
				}
			}
		}
	})
}

func BenchmarkParseEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := Parse(Embedded()); err != nil {
			b.Fatal(err)
		}
	}
}

// The embedded catalog Default hands out is catalog.txt exactly as Parse
// reads it: editing catalog.txt without `go generate ./pkg/catalog` fails
// here.
func TestEmbeddedCatalogIsGenerated(t *testing.T) {
	parsed, err := Parse(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(def, parsed) {
		t.Fatal("catalog_gen.go differs from catalog.txt: run go generate ./pkg/catalog")
	}
}
