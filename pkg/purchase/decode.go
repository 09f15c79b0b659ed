package purchase

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/flexusl/flexusl/pkg/suggest"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/flexusl/flexusl/pkg/catalog"
	"go.yaml.in/yaml/v3"
)

// fields lists the body's keys in the page's order, for unknown-key
// suggestions.
var fields = []string{FInstanceName, FDescription, FPlanSpec, FImageRef, FRegion, FChargingMode, FPeriodType, FPeriodNum, FPurchaseQuantity, FIsAutoRenew, FIsAutoPay, FExtraResources, FTags}

// Decode reads a request body strictly: a JSON object whose keys are the
// page's (an unknown key is an error, with a suggestion), whose values have
// the page's types (period_num and purchase_quantity JSON integers, booleans
// true/false). It returns every problem found, not only the first.
func Decode(data []byte) (*Request, catalog.Problems) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, catalog.Problems{{Field: "body", Reason: "is not a JSON object: " + errText(err)}}
	}
	if dec.More() {
		return nil, catalog.Problems{{Field: "body", Reason: "has data after the JSON object"}}
	}
	r := &Request{}
	var ps catalog.Problems
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := raw[k]
		var p *catalog.Problem
		switch k {
		case FInstanceName:
			p = decodeString(k, v, &r.InstanceName)
		case FDescription:
			var s string
			if p = decodeString(k, v, &s); p == nil {
				r.Description = &s
			}
		case FPlanSpec:
			p = decodeString(k, v, &r.PlanSpec)
		case FRegion:
			p = decodeString(k, v, &r.Region)
		case FChargingMode:
			p = decodeString(k, v, &r.ChargingMode)
		case FPeriodType:
			p = decodeString(k, v, &r.PeriodType)
		case FPeriodNum:
			p = decodeInt(k, v, &r.PeriodNum)
		case FPurchaseQuantity:
			var n int
			if p = decodeInt(k, v, &n); p == nil {
				r.PurchaseQuantity = &n
			}
		case FIsAutoRenew, FIsAutoPay:
			var b bool
			if err := json.Unmarshal(v, &b); err != nil || isNull(v) {
				p = &catalog.Problem{Field: k, Value: string(v), Reason: "must be a JSON boolean (true or false)"}
			} else if k == FIsAutoRenew {
				r.IsAutoRenew = &b
			} else {
				r.IsAutoPay = &b
			}
		case FImageRef:
			ps = append(ps, decodeImageRef(v, r)...)
		case FExtraResources:
			ps = append(ps, decodeExtras(v, r)...)
		case FTags:
			ps = append(ps, decodeTags(v, r)...)
		default:
			reason := "is not a field of the purchase request"
			if k == "ExtraResources" {
				reason += " (the page's table says ExtraResources, the API key is extra_resources)"
			}
			p = &catalog.Problem{Field: k, Value: "", Reason: reason, Suggestions: suggest.Closest(k, fields)}
		}
		if p != nil {
			ps = append(ps, *p)
		}
	}
	return r, ps
}

// DecodeYAMLOrJSON reads a body given as JSON or as YAML of the same shape
// (--from-file), strictly as Decode does.
func DecodeYAMLOrJSON(data []byte) (*Request, catalog.Problems) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return Decode(data)
	}
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, catalog.Problems{{Field: "body", Reason: "is neither a JSON object nor YAML: " + err.Error()}}
	}
	j, err := json.Marshal(jsonable(v))
	if err != nil {
		return nil, catalog.Problems{{Field: "body", Reason: "cannot be read as a request: " + err.Error()}}
	}
	return Decode(j)
}

// jsonable turns YAML's map[string]any trees into JSON-encodable values.
func jsonable(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonable(e)
		}
		return x
	case map[any]any:
		m := map[string]any{}
		for k, e := range x {
			m[fmt.Sprint(k)] = jsonable(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = jsonable(e)
		}
		return x
	}
	return v
}

func errText(err error) string {
	if err == nil {
		return "null"
	}
	return err.Error()
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

func decodeString(field string, v json.RawMessage, dst *string) *catalog.Problem {
	if isNull(v) || json.Unmarshal(v, dst) != nil {
		return &catalog.Problem{Field: field, Value: string(v), Reason: "must be a JSON string"}
	}
	return nil
}

func decodeInt(field string, v json.RawMessage, dst *int) *catalog.Problem {
	var n json.Number
	t := bytes.TrimSpace(v)
	if isNull(v) || len(t) == 0 || t[0] == '"' || json.Unmarshal(v, &n) != nil {
		return &catalog.Problem{Field: field, Value: string(v), Reason: "must be a JSON integer (not a string)"}
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil || i > math.MaxInt32 || i < math.MinInt32 {
		return &catalog.Problem{Field: field, Value: string(n), Reason: "must be a whole number"}
	}
	*dst = int(i)
	return nil
}

func decodeObject(field string, v json.RawMessage, allowed []string) (map[string]json.RawMessage, catalog.Problems) {
	var m map[string]json.RawMessage
	if isNull(v) || json.Unmarshal(v, &m) != nil {
		return nil, catalog.Problems{{Field: field, Value: string(v), Reason: "must be a JSON object"}}
	}
	var ps catalog.Problems
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		known := false
		for _, a := range allowed {
			known = known || a == k
		}
		if !known {
			ps = append(ps, catalog.Problem{Field: field + "." + k, Reason: "is not a field of " + strings.TrimRight(field, "]0123456789["), Allowed: allowed, Suggestions: suggest.Closest(k, allowed)})
		}
	}
	return m, ps
}

func decodeArray(field string, v json.RawMessage) ([]json.RawMessage, *catalog.Problem) {
	var a []json.RawMessage
	if isNull(v) || json.Unmarshal(v, &a) != nil {
		return nil, &catalog.Problem{Field: field, Value: string(v), Reason: "must be a JSON array"}
	}
	return a, nil
}

func decodeImageRef(v json.RawMessage, r *Request) catalog.Problems {
	m, ps := decodeObject(FImageRef, v, []string{"image_name", "image_version", "image_id"})
	if m == nil {
		return ps
	}
	ir := &ImageRef{}
	dsts := map[string]*string{"image_name": &ir.ImageName, "image_version": &ir.ImageVersion, "image_id": &ir.ImageID}
	for _, k := range []string{"image_name", "image_version", "image_id"} {
		dst := dsts[k]
		if raw, ok := m[k]; ok {
			if p := decodeString(FImageRef+"."+k, raw, dst); p != nil {
				ps = append(ps, *p)
			}
		}
	}
	r.ImageRef = ir
	return ps
}

// decodeObjects decodes an array of objects with the given keys, calling
// each with the element's field name ("tags[2]") and its members.
func decodeObjects(field string, v json.RawMessage, keys []string, each func(field string, m map[string]json.RawMessage) catalog.Problems) catalog.Problems {
	items, p := decodeArray(field, v)
	if p != nil {
		return catalog.Problems{*p}
	}
	var ps catalog.Problems
	for i, item := range items {
		f := fmt.Sprintf("%s[%d]", field, i)
		m, ops := decodeObject(f, item, keys)
		ps = append(ps, ops...)
		if m != nil {
			ps = append(ps, each(f, m)...)
		}
	}
	return ps
}

func decodeExtras(v json.RawMessage, r *Request) catalog.Problems {
	r.ExtraResources = []ExtraResource{}
	return decodeObjects(FExtraResources, v, []string{"type", "size"}, func(field string, m map[string]json.RawMessage) catalog.Problems {
		var ps catalog.Problems
		var e ExtraResource
		if raw, ok := m["type"]; !ok {
			ps = append(ps, catalog.Problem{Field: field + ".type", Reason: "is required", Allowed: []string{ResourceEVS, ResourceCBR, ResourceHSS}})
		} else if p := decodeString(field+".type", raw, &e.Type); p != nil {
			ps = append(ps, *p)
		}
		if raw, ok := m["size"]; ok {
			var n int
			if p := decodeInt(field+".size", raw, &n); p != nil {
				ps = append(ps, *p)
			} else {
				e.Size = &n
			}
		}
		r.ExtraResources = append(r.ExtraResources, e)
		return ps
	})
}

func decodeTags(v json.RawMessage, r *Request) catalog.Problems {
	r.Tags = []Tag{}
	return decodeObjects(FTags, v, []string{"key", "value"}, func(field string, m map[string]json.RawMessage) catalog.Problems {
		var ps catalog.Problems
		var t Tag
		for _, k := range []string{"key", "value"} {
			dst := map[string]*string{"key": &t.Key, "value": &t.Value}[k]
			raw, ok := m[k]
			if !ok {
				ps = append(ps, catalog.Problem{Field: field + "." + k, Reason: "is required"})
				continue
			}
			if p := decodeString(field+"."+k, raw, dst); p != nil {
				ps = append(ps, *p)
			}
		}
		r.Tags = append(r.Tags, t)
		return ps
	})
}
