package fleet

import (
	"os"
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

const head = "fleet: f\ndefaults: {region: ap-southeast-3, image: Ubuntu, image_version: \"22.04\", spec: hf.large.1.30m.linux}\n"

// Every way a fleet file can be wrong: each case names the path of the
// problem and what is wrong with it.
func TestDecodeIsStrict(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string // each a problem's "field ... reason" fragment
	}{
		{"unknown top key", head + "instances: [{name: a}]\nfleets: x\n", []string{`fleets "": is not a key of the fleet file`, "did you mean fleet?"}},
		{"unknown instance key", head + "instances: [{name: a, nmae: b}]\n", []string{`instances[0].nmae "": is not a key of instances`, "did you mean name?"}},
		{"unknown rule key", head + "instances: [{name: a}]\nfirewall: [{region: ap-southeast-3, rules: [{action: allow, port: \"22\"}]}]\n",
			[]string{`firewall[0].rules[0].port "": is not a key of firewall[0].rules`}},
		{"repeated YAML key", head + "instances:\n  - name: a\n    name: b\n", []string{`instances[0].name "b": is given more than once in the same mapping`}},
		{"repeated JSON key", `{"fleet":"f","fleet":"g","instances":[{"name":"a"}]}`, []string{`fleet "\"g\"": is given more than once in the same object`}},
		{"a number for a string", head + "instances: [{name: a, image_version: 22.04}]\n", []string{`instances[0].image_version "22.04": must be a string (quote it: "22.04")`}},
		{"a string for a number", head + "instances: [{name: a, period: \"1\"}]\n", []string{`instances[0].period "\"1\"": must be a whole number`}},
		{"a string for a boolean", head + "instances: [{name: a, auto_renew: \"yes\"}]\n", []string{`instances[0].auto_renew "\"yes\"": must be a boolean`}},
		{"YAML's yes is not a boolean", head + "instances: [{name: a, hss: yes}]\n", []string{`instances[0].hss "\"yes\"": must be a boolean`}},
		{"not UTF-8", head + "instances: [{name: a, description: \"caf\xe9\"}]\n", []string{"is not valid UTF-8"}},
		{"an anchor", "fleet: f\ndefaults: &d {region: ap-southeast-3}\ninstances: [{name: a}]\n", []string{"defaults", "anchors and aliases are not accepted"}},
		{"no fleet", "instances: [{name: a}]\n", []string{`fleet: is required`}},
		{"a fleet name that cannot be a tag", "fleet: 1 2\ninstances: [{name: a}]\n", []string{`fleet "1 2": must be 1 to 64 characters`}},
		{"no instances", "fleet: f\n", []string{`instances: is required`}},
		{"empty instances", "fleet: f\ninstances: []\n", []string{`instances "[]": is empty`}},
		{"instances not a list", "fleet: f\ninstances: {name: a}\n", []string{`instances`, "must be a list"}},
		{"a name twice in a region", head + "instances: [{name: a}, {name: a}]\n", []string{`instances[1].name "a": is declared twice in region ap-southeast-3 (first as instances[0])`}},
		{"no name", head + "instances: [{region: tr-west-1}]\n", []string{`instances[0].name: is required`}},
		{"a default name", head + "instances: [{name: a}]\n", nil},
		{"the fleet tag given", head + "instances: [{name: a, tags: {flexusl-fleet: g}}]\n", []string{`instances[0].tags.flexusl-fleet "g": is set by apply itself`}},
		{"a catalog problem in defaults", "fleet: f\ndefaults: {region: ap-southeast-3, image: Ubuntu, image_version: \"22.04\", spec: hf.nope}\ninstances: [{name: a}]\n",
			[]string{`defaults.spec "hf.nope": is not a FlexusL spec code`}},
		{"a catalog problem in an instance", head + "instances: [{name: a, region: xx-nowhere-1}]\n", []string{`instances[0].region "xx-nowhere-1"`}},
		{"a bad name", head + "instances: [{name: 9a}]\n", []string{`instances[0].name "9a"`}},
		{"a disk too small", head + "instances: [{name: a, data_disk: 5}]\n", []string{`instances[0].data_disk (extra_resources[0].size) "5": must be 10 to 2048 GiB`}},
		{"rules: every problem", head + "instances: [{name: a}]\nfirewall: [{region: ap-southeast-3, rules: [{action: permit, ports: \"70000\", from: 10.0.0.1/8, priority: 0}]}]\n",
			[]string{`firewall[0].rules[0].action "permit": is not an action`, `firewall[0].rules[0].ports "70000": is out of range`,
				`firewall[0].rules[0].from "10.0.0.1/8": has bits set`, `firewall[0].rules[0].priority "0": must be 1 to 100`}},
		{"rules without an action", head + "instances: [{name: a}]\nfirewall: [{region: ap-southeast-3, rules: [{ports: \"22\"}]}]\n", []string{`firewall[0].rules[0].action: is required`}},
		{"rules of a region without instances", head + "instances: [{name: a}]\nfirewall: [{region: tr-west-1, rules: []}]\n", []string{`firewall[0].region "tr-west-1": has no instance of the fleet`}},
		{"rules of a region twice", head + "instances: [{name: a}]\nfirewall: [{region: ap-southeast-3, rules: []}, {region: ap-southeast-3, rules: []}]\n",
			[]string{`firewall[1].region "ap-southeast-3": is given twice`}},
		{"not a mapping", "- a\n", []string{"body", "is not a YAML mapping"}},
		{"two documents", "fleet: f\n---\nfleet: g\n", []string{"more than one YAML document"}},
	}
	c := cat(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ps := Decode([]byte(tt.file), c)
			if tt.want == nil {
				if len(ps) > 0 {
					t.Fatalf("problems: %v", ps)
				}
				return
			}
			if f != nil || len(ps) == 0 {
				t.Fatalf("decoded %+v without problems", f)
			}
			var all []string
			for _, p := range ps {
				all = append(all, p.Error())
			}
			text := strings.Join(all, "\n")
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("problems lack %q:\n%s", w, text)
				}
			}
		})
	}
}

// All problems at once: one of each kind in one file.
func TestDecodeReportsEveryProblem(t *testing.T) {
	file := "fleet: f\nextra: 1\ndefaults: {region: ap-southeast-3, image: Ubuntu, image_version: \"22.04\", spec: hf.large.1.30m.linux, sped: x}\n" +
		"instances: [{name: a, period: 99}, {name: b, spec: hf.nope}]\nfirewall: [{region: ap-southeast-3, rules: [{action: allow, ports: \"0\"}]}]\n"
	_, ps := Decode([]byte(file), cat(t))
	if len(ps) != 5 {
		t.Fatalf("%d problems, want 5: %v", len(ps), ps)
	}
}

func TestDefaultsAndInstancesMake(t *testing.T) {
	file := `fleet: ci-web
defaults: {region: ap-southeast-3, image: Ubuntu, image_version: "22.04", spec: hf.large.1.30m.linux, auto_renew: true, tags: {team: a, env: dev}}
instances:
  - name: web-1
  - {name: web-2, region: tr-west-1, data_disk: 50, auto_renew: false, tags: {env: prod}, period: 3, period_type: month}
`
	f, ps := Decode([]byte(file), cat(t))
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	a, b := f.Instances[0].Request, f.Instances[1].Request
	body, _ := b.Body()
	want := `{"instance_name":"web-2","plan_spec":"hf.large.1.30m.linux","image_ref":{"image_name":"Ubuntu","image_version":"22.04"},"region":"tr-west-1","charging_mode":"prePaid","period_type":"month","period_num":3,"is_auto_renew":false,"extra_resources":[{"type":"evs","size":50}],"tags":[{"key":"env","value":"prod"},{"key":"team","value":"a"},{"key":"flexusl-fleet","value":"ci-web"}]}`
	if string(body) != want {
		t.Errorf("web-2's body\n got %s\nwant %s", body, want)
	}
	if a.Region != "ap-southeast-3" || !a.AutoRenew() || *f.Instances[0].AutoRenew != true || *f.Instances[1].AutoRenew != false {
		t.Errorf("web-1: %+v", a)
	}
	if got := f.Regions(); strings.Join(got, ",") != "ap-southeast-3,tr-west-1" {
		t.Errorf("regions %v", got)
	}
}

// The example shipped in configs/ is valid.
func TestExampleFileIsValid(t *testing.T) {
	data, err := os.ReadFile("../../configs/fleet.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, ps := Decode(data, cat(t))
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if f.Fleet != "ci-web" || len(f.Instances) != 2 || len(f.Rules) != 3 {
		t.Errorf("%+v", f)
	}
}

// The same file in JSON decodes to the same fleet.
func TestJSONFile(t *testing.T) {
	js := `{"fleet":"f","defaults":{"region":"ap-southeast-3","image":"Ubuntu","image_version":"22.04","spec":"hf.large.1.30m.linux"},"instances":[{"name":"a","hss":true}],
	"firewall":[{"region":"ap-southeast-3","rules":[{"action":"deny","protocol":"udp","ports":"53","priority":5}]}]}`
	f, ps := Decode([]byte(js), cat(t))
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if r := f.Rules[0].Rule; r.Action != "deny" || r.Protocol != "udp" || r.Priority != 5 || r.Description != "flexusl apply f" {
		t.Errorf("%+v", r)
	}
}

// A problem of an extra resource names the key that asked for it.
func TestExtraResourceProblemNamesItsKey(t *testing.T) {
	_, ps := Decode([]byte(head+"instances: [{name: a, data_disk: 50, backup: 5}]\n"), cat(t))
	if len(ps) != 1 || !strings.HasPrefix(ps[0].Field, "instances[0].backup (extra_resources[1].size)") {
		t.Fatalf("%v", ps)
	}
}
