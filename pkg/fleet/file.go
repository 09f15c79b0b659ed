// Package fleet is `flexusl apply`: the fleet file (the instances an
// account should have, and the firewall rules of their regions), read as
// strictly as a purchase file and validated as `instance buy` and
// `firewall allow` validate; the plan that compares it with what RMS, BSS
// and VPC say; and the in-flight guard that keeps a re-run (a fresh CI
// runner with an empty journal) from buying what an earlier run may
// already have bought.
package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/catalog"
	"github.com/flexusl/flexusl/pkg/firewall"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/purchase"
	"github.com/flexusl/flexusl/pkg/suggest"
)

// TagKey is the tag every instance apply buys carries, its value the
// fleet's name: how apply finds the fleet's instances in RMS.
const TagKey = "flexusl-fleet"

// MaxNameLen is the longest fleet name (it is a tag value and part of a
// lock file's name).
const MaxNameLen = 64

// Keys of the file.
var (
	topKeys      = []string{"fleet", "defaults", "instances", "firewall"}
	instanceKeys = []string{"name", "region", "image", "image_version", "image_id", "spec", "period", "period_type",
		"auto_renew", "auto_pay", "data_disk", "backup", "hss", "tags", "description"}
	regionKeys = []string{"region", "rules"}
	ruleKeys   = []string{"action", "protocol", "ports", "from", "priority", "description", "direction"}
)

// Instance is one instance the file declares, with the defaults applied:
// Request is the purchase apply would send for it (the fleet tag
// included), valid when the file is.
type Instance struct {
	Name, Region string
	Field        string // where it is declared: "instances[1]"
	Request      *purchase.Request
	// AutoRenew is the declared auto-renew setting; nil when the file
	// does not say (apply then leaves the instance's setting alone).
	AutoRenew *bool
}

// Key identifies an instance: its name in its region.
func (in Instance) Key() string { return in.Region + "/" + in.Name }

// Rule is a declared firewall rule of a region.
type Rule struct {
	Region string
	Field  string // "firewall[0].rules[1]"
	Rule   firewall.Rule
}

// File is a valid fleet file.
type File struct {
	Fleet     string
	Instances []Instance
	Rules     []Rule
}

// Regions are the regions of the fleet's instances, sorted.
func (f *File) Regions() []string {
	var out []string
	for _, in := range f.Instances {
		if !slices.Contains(out, in.Region) {
			out = append(out, in.Region)
		}
	}
	sort.Strings(out)
	return out
}

// Decode reads a fleet file (JSON, or YAML of the same shape) strictly
// and validates it against the catalog: every instance as `instance buy`
// validates its request, every rule as `firewall allow` validates its
// flags. Unknown or repeated keys, wrong types, text that is not UTF-8 and
// YAML that JSON would not accept are problems naming their path
// ("instances[1].spec"). All problems are returned at once; a File only
// when there are none.
func Decode(data []byte, cat *catalog.Catalog) (*File, problem.Problems) {
	js, ps := purchase.StrictJSON(data)
	if len(ps) > 0 {
		return nil, ps
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(js, &top); err != nil || top == nil {
		return nil, problem.Problems{{Field: "body", Reason: "is not an object of fleet, defaults, instances and firewall"}}
	}
	d := &decoder{}
	d.unknown("", top, topKeys)
	f := &File{}
	if raw, ok := top["fleet"]; !ok {
		d.add("fleet", "", "is required: the fleet's name, which every instance it buys carries as the tag "+TagKey)
	} else if d.str("fleet", raw, &f.Fleet) {
		if reason := checkFleetName(f.Fleet); reason != "" {
			d.add("fleet", f.Fleet, reason)
		}
	}
	var defaults map[string]json.RawMessage
	if raw, ok := top["defaults"]; ok {
		if defaults = d.object("defaults", raw); defaults != nil {
			d.unknown("defaults", defaults, instanceKeys)
			if _, ok := defaults["name"]; ok {
				d.add("defaults.name", "", "is not a default: every instance has its own name")
			}
		}
	}
	var items []json.RawMessage
	if raw, ok := top["instances"]; !ok {
		d.add("instances", "", "is required: the instances of the fleet, each with a name")
	} else if items = d.array("instances", raw); items != nil && len(items) == 0 {
		d.add("instances", "[]", "is empty: declare at least one instance")
	}
	seen := map[string]string{}
	for i, raw := range items {
		field := fmt.Sprintf("instances[%d]", i)
		m := d.object(field, raw)
		if m == nil {
			continue
		}
		d.unknown(field, m, instanceKeys)
		// A name identifies an instance in its region: checked on the
		// text, whatever else is wrong.
		var name, region string
		json.Unmarshal(m["name"], &name)
		if json.Unmarshal(m["region"], &region) != nil || region == "" {
			json.Unmarshal(defaults["region"], &region)
		}
		key := region + "/" + name
		if first, ok := seen[key]; ok && name != "" {
			d.add(field+".name", name, fmt.Sprintf("is declared twice in region %s (first as %s): a name identifies one instance of a region", region, first))
			continue
		}
		seen[key] = field
		if in := d.instance(field, defaults, m, f.Fleet, cat); in != nil {
			f.Instances = append(f.Instances, *in)
		}
	}
	if raw, ok := top["firewall"]; ok {
		d.firewall(raw, f, cat)
	}
	if len(d.ps) > 0 {
		return nil, d.ps
	}
	return f, nil
}

// checkFleetName: 1-64 characters, a letter first, then letters, digits,
// '-', '_' and '.'.
func checkFleetName(s string) string {
	const rule = "must be 1 to 64 characters: a letter, then letters, digits, -, _ or ."
	if s == "" || len(s) > MaxNameLen || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return rule
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return rule
		}
	}
	return ""
}

type decoder struct {
	ps problem.Problems
	// defaults: 0 not read yet, 1 read and valid, 2 read with problems
	// (reported once, with the first instance).
	defaults int
}

func (d *decoder) add(field, value, reason string, allowed ...string) {
	d.ps = append(d.ps, problem.Problem{Field: field, Value: value, Reason: reason, Allowed: allowed})
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func (d *decoder) unknown(field string, m map[string]json.RawMessage, allowed []string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			what := "the fleet file"
			if field != "" {
				what = strings.TrimRight(field, "]0123456789[")
			}
			d.ps = append(d.ps, problem.Problem{Field: join(field, k), Reason: "is not a key of " + what, Allowed: allowed, Suggestions: suggest.Closest(k, allowed)})
		}
	}
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

func (d *decoder) object(field string, v json.RawMessage) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if isNull(v) || json.Unmarshal(v, &m) != nil {
		d.add(field, string(v), "must be an object (a mapping of keys)")
		return nil
	}
	return m
}

func (d *decoder) array(field string, v json.RawMessage) []json.RawMessage {
	var a []json.RawMessage
	if isNull(v) || json.Unmarshal(v, &a) != nil {
		d.add(field, string(v), "must be a list")
		return nil
	}
	return a
}

func (d *decoder) str(field string, v json.RawMessage, dst *string) bool {
	if isNull(v) || json.Unmarshal(v, dst) != nil {
		reason := "must be a string"
		if t := bytes.TrimSpace(v); len(t) > 0 && t[0] != '"' && t[0] != '{' && t[0] != '[' {
			reason += fmt.Sprintf(" (quote it: %q)", t)
		}
		d.add(field, string(v), reason)
		return false
	}
	return true
}

func (d *decoder) int(field string, v json.RawMessage, dst *int) bool {
	t := bytes.TrimSpace(v)
	n, err := strconv.ParseInt(string(t), 10, 32)
	if err != nil {
		d.add(field, string(v), "must be a whole number (not a string)")
		return false
	}
	*dst = int(n)
	return true
}

func (d *decoder) bool(field string, v json.RawMessage, dst *bool) bool {
	switch string(bytes.TrimSpace(v)) {
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		d.add(field, string(v), "must be a boolean (true or false)")
		return false
	}
	return true
}

// fileKeyOf names, for each purchase field Validate reports, the file's
// key that sets it.
var fileKeyOf = map[string]string{
	purchase.FInstanceName: "name", purchase.FDescription: "description", purchase.FPlanSpec: "spec",
	purchase.FImageName: "image", purchase.FImageVersion: "image_version", purchase.FImageID: "image_id",
	purchase.FImageRef: "image", purchase.FRegion: "region", purchase.FPeriodType: "period_type",
	purchase.FPeriodNum: "period", purchase.FIsAutoRenew: "auto_renew", purchase.FIsAutoPay: "auto_pay",
}

// instance builds the request of one instance: defaults, then its own
// keys, then the fleet tag; and validates it as `instance buy` does.
func (d *decoder) instance(field string, defaults, own map[string]json.RawMessage, fleetName string, cat *catalog.Catalog) *Instance {
	r := &purchase.Request{PeriodType: purchase.PeriodMonth, PeriodNum: 1}
	var o purchase.Overrides
	var autoRenew *bool
	var tags []purchase.Tag
	before := len(d.ps)
	from := map[string]string{} // key -> where it was given
	real := d
	var later problem.Problems
	for _, src := range []struct {
		field string
		m     map[string]json.RawMessage
	}{{"defaults", defaults}, {field, own}} {
		d := real
		if src.field == "defaults" && real.defaults != 0 {
			d = &decoder{} // read before: its problems were reported once
		}
		for _, k := range instanceKeys {
			raw, ok := src.m[k]
			if !ok || src.m == nil {
				continue
			}
			kf := src.field + "." + k
			from[k] = kf
			if k == "tags" {
				tags = d.readTags(kf, raw, tags, d == real, &later)
				continue
			}
			d.readKey(k, kf, raw, &o, &autoRenew)
		}
	}
	if real.defaults == 0 {
		real.defaults = 1
		for _, p := range d.ps[before:] {
			if strings.HasPrefix(p.Field, "defaults.") {
				real.defaults = 2
			}
		}
	}
	if len(d.ps) > before || real.defaults == 2 {
		d.ps = append(d.ps, later...)
		return nil
	}
	if o.Name == nil {
		d.add(field+".name", "", "is required")
		return nil
	}
	r.Apply(o)
	r.Tags = append(append([]purchase.Tag(nil), tags...), purchase.Tag{Key: TagKey, Value: fleetName})
	for _, p := range r.Validate(cat, purchase.Options{}) {
		p.Field = fileField(field, p.Field, from, len(tags), r)
		d.ps = append(d.ps, p)
	}
	d.ps = append(d.ps, later...)
	if len(d.ps) > before {
		return nil
	}
	r.Normalize(cat)
	return &Instance{Name: r.InstanceName, Region: r.Region, Field: field, Request: r, AutoRenew: autoRenew}
}

// readKey reads instance key k (at kf) into the overrides; a value of
// the wrong type is a problem, and leaves it unset.
func (d *decoder) readKey(k, kf string, raw json.RawMessage, o *purchase.Overrides, autoRenew **bool) {
	switch k {
	case "name", "region", "image", "image_version", "image_id", "spec", "period_type", "description":
		var s string
		if !d.str(kf, raw, &s) {
			return
		}
		dst := map[string]**string{"name": &o.Name, "region": &o.Region, "image": &o.Image, "image_version": &o.ImageVersion,
			"image_id": &o.ImageID, "spec": &o.Spec, "period_type": &o.PeriodType, "description": &o.Description}[k]
		*dst = &s
	case "period", "data_disk", "backup":
		var n int
		if !d.int(kf, raw, &n) {
			return
		}
		dst := map[string]**int{"period": &o.Period, "data_disk": &o.DataDisk, "backup": &o.Backup}[k]
		*dst = &n
	case "auto_renew", "auto_pay", "hss":
		var b bool
		if !d.bool(kf, raw, &b) {
			return
		}
		switch k {
		case "auto_renew":
			*autoRenew = &b
			o.AutoRenew = &b
		case "auto_pay":
			o.AutoPay = &b
		default:
			o.HSS = &b
		}
	}
}

// readTags merges the tags object at kf over tags (its keys win), sorted
// by key. apply's own tag key is refused; when report, that problem goes
// to later (reported after the catalog checks: it blocks none of them).
func (d *decoder) readTags(kf string, raw json.RawMessage, tags []purchase.Tag, report bool, later *problem.Problems) []purchase.Tag {
	m := d.object(kf, raw)
	keys := make([]string, 0, len(m))
	for tk := range m {
		keys = append(keys, tk)
	}
	sort.Strings(keys)
	byKey := map[string]string{}
	for _, t := range tags {
		byKey[t.Key] = t.Value
	}
	for _, tk := range keys {
		var v string
		if !d.str(kf+"."+tk, m[tk], &v) {
			continue
		}
		if tk == TagKey {
			if report {
				*later = append(*later, problem.Problem{Field: kf + "." + tk, Value: v, Reason: "is set by apply itself (the fleet's name): leave it out"})
			}
			continue
		}
		byKey[tk] = v
	}
	out := make([]purchase.Tag, 0, len(byKey))
	for tk, v := range byKey {
		out = append(out, purchase.Tag{Key: tk, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// fileField turns a purchase field ("plan_spec") into the file's path of
// the key that set it ("defaults.spec", "instances[1].spec").
func fileField(field, reqField string, from map[string]string, ntags int, r *purchase.Request) string {
	key, ok := fileKeyOf[reqField]
	switch {
	case strings.HasPrefix(reqField, purchase.FExtraResources):
		key, ok = "data_disk/backup/hss", true
		var i int
		if _, err := fmt.Sscanf(strings.TrimPrefix(reqField, purchase.FExtraResources), "[%d]", &i); err == nil && i >= 0 && i < len(r.ExtraResources) {
			if k, known := map[string]string{purchase.ResourceEVS: "data_disk", purchase.ResourceCBR: "backup", purchase.ResourceHSS: "hss"}[r.ExtraResources[i].Type]; known {
				if w, given := from[k]; given {
					return w + " (" + reqField + ")"
				}
			}
		}
	case strings.HasPrefix(reqField, purchase.FTags):
		if strings.HasPrefix(reqField, fmt.Sprintf("%s[%d]", purchase.FTags, ntags)) {
			return "fleet (tag " + TagKey + ")"
		}
		key, ok = "tags", true
	}
	if !ok {
		return field + "." + reqField
	}
	if w, given := from[key]; given {
		return w
	}
	return field + "." + key
}

// firewall reads the firewall section: a list of regions, each with rules
// checked as `firewall allow` checks its flags.
func (d *decoder) firewall(raw json.RawMessage, f *File, cat *catalog.Catalog) {
	regions := d.array("firewall", raw)
	seen := map[string]string{}
	for i, rr := range regions {
		field := fmt.Sprintf("firewall[%d]", i)
		m := d.object(field, rr)
		if m == nil {
			continue
		}
		d.unknown(field, m, regionKeys)
		var region string
		if raw, ok := m["region"]; !ok {
			d.add(field+".region", "", "is required")
		} else if d.str(field+".region", raw, &region) {
			switch _, known := cat.Region(region); {
			case !known:
				d.add(field+".region", region, "is not a FlexusL region", cat.RegionIDs()...)
			case !slices.Contains(f.Regions(), region) && len(f.Instances) > 0:
				d.add(field+".region", region, "has no instance of the fleet: rules go in the groups of the fleet's instances", f.Regions()...)
			case seen[region] != "":
				d.add(field+".region", region, "is given twice (first in "+seen[region]+"): list its rules once")
			}
			seen[region] = field
		}
		rawRules, ok := m["rules"]
		if !ok {
			d.add(field+".rules", "", "is required: the region's rules")
			continue
		}
		rules := d.array(field+".rules", rawRules)
		for j, rawRule := range rules {
			rf := fmt.Sprintf("%s.rules[%d]", field, j)
			rm := d.object(rf, rawRule)
			if rm == nil {
				continue
			}
			d.unknown(rf, rm, ruleKeys)
			var s firewall.Spec
			before := len(d.ps)
			for _, k := range ruleKeys {
				raw, ok := rm[k]
				if !ok {
					continue
				}
				switch k {
				case "priority":
					d.int(rf+"."+k, raw, &s.Priority)
				case "ports":
					var p string
					if d.str(rf+"."+k, raw, &p) {
						s.Ports = []string{p}
					}
				default:
					dst := map[string]*string{"action": &s.Action, "protocol": &s.Protocol, "from": &s.From,
						"description": &s.Description, "direction": &s.Direction}[k]
					d.str(rf+"."+k, raw, dst)
				}
			}
			if _, ok := rm["action"]; !ok {
				d.add(rf+".action", "", "is required", api.ActionAllow, api.ActionDeny)
			}
			if len(d.ps) > before {
				continue
			}
			if s.Description == "" {
				s.Description = "flexusl apply " + f.Fleet
			}
			s.FromFlag = rf + ".from"
			zero := false
			if _, given := rm["priority"]; given && s.Priority == 0 {
				zero, s.Priority = true, firewall.DefaultPriority // given: out of range, not "the default"
			}
			r, rps := firewall.Check(s)
			if zero {
				rps = append(rps, problem.Problem{Field: firewall.FPriority, Value: "0", Reason: fmt.Sprintf("must be %d to %d (%d is the strongest)", firewall.MinPriority, firewall.MaxPriority, firewall.MinPriority)})
			}
			for _, p := range rps {
				p.Field = ruleField(rf, p.Field)
				d.ps = append(d.ps, p)
			}
			if len(rps) == 0 {
				f.Rules = append(f.Rules, Rule{Region: region, Field: rf, Rule: r})
			}
		}
	}
}

// ruleField turns the flag a firewall problem names into the rule's key.
func ruleField(rf, flag string) string {
	k, ok := map[string]string{firewall.FPort: "ports", firewall.FProtocol: "protocol", firewall.FFrom: "from",
		firewall.FPriority: "priority", firewall.FDescription: "description", firewall.FDirection: "direction",
		firewall.FAction: "action"}[flag]
	if !ok {
		return flag // already a path (from)
	}
	return rf + "." + k
}
