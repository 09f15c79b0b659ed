package purchase

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/suggest"
	"go.yaml.in/yaml/v3"
)

// fields lists the body's keys in the page's order, for unknown-key
// suggestions.
var fields = []string{FInstanceName, FDescription, FPlanSpec, FImageRef, FRegion, FChargingMode, FPeriodType, FPeriodNum, FPurchaseQuantity, FIsAutoRenew, FIsAutoPay, FExtraResources, FTags}

// MaxFileBytes is the largest request file (or stdin) --from-file reads:
// past it the file is refused, never cut.
const MaxFileBytes = 1 << 20

// ReadFile reads a request file, or stdin when name is "-", up to
// MaxFileBytes; a larger input is an error (it reads at most one byte past
// the limit, so /dev/zero or an endless pipe cannot exhaust memory).
func ReadFile(name string, stdin io.Reader) ([]byte, error) {
	r := stdin
	what := "stdin"
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r, what = f, name
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes (1 MiB), the limit for a request; nothing was read from it", what, MaxFileBytes)
	}
	return data, nil
}

// Decode reads a request body strictly, as the API's JSON: a JSON object
// whose keys are the page's (an unknown key is an error, with a
// suggestion), each given once, whose values have the page's types
// (period_num and purchase_quantity JSON integers, booleans true/false),
// in valid UTF-8. It returns every problem found, not only the first.
func Decode(data []byte) (*Request, problem.Problems) {
	r, _, ps := decodeJSON(data, "JSON ")
	return r, ps
}

// DecodeFile reads a request file (--from-file): JSON when it starts with
// '{', else YAML of the same shape. It is as strict as Decode, in either
// language: duplicate keys, invalid UTF-8, and YAML that JSON would not
// accept (anchors, aliases, merge keys, tags, numbers such as 0x1, +1 or
// .inf) are errors naming the field. Fields the file leaves out get the
// same defaults as the flags: period_type month, period_num 1.
func DecodeFile(data []byte) (*Request, problem.Problems) {
	var r *Request
	var present map[string]bool
	var ps problem.Problems
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		r, present, ps = decodeJSON(data, "JSON ")
	} else {
		j, yps := yamlToJSON(data)
		if len(yps) > 0 {
			return nil, yps
		}
		r, present, ps = decodeJSON(j, "")
	}
	if r != nil {
		if !present[FPeriodType] {
			r.PeriodType = PeriodMonth
		}
		if !present[FPeriodNum] {
			r.PeriodNum = 1
		}
	}
	return r, ps
}

// StrictJSON reads a JSON or YAML document (JSON when it starts with '{')
// as strictly as DecodeFile does, without knowing its fields: keys given
// twice in one object or mapping, text that is not UTF-8, and YAML that
// JSON would not accept are problems naming their path. It returns the
// document as JSON text, for a caller that checks the fields itself (the
// fleet file of flexusl apply).
func StrictJSON(data []byte) ([]byte, problem.Problems) {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		var v map[string]json.RawMessage
		dec := json.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(&v); err != nil || v == nil {
			return nil, problem.Problems{{Field: "body", Reason: "is not a JSON object: " + errText(err)}}
		}
		if dec.More() {
			return nil, problem.Problems{{Field: "body", Reason: "has data after the JSON object"}}
		}
		if ps := scanJSON(data); len(ps) > 0 {
			return nil, ps
		}
		return data, nil
	}
	return yamlToJSON(data)
}

// DecodeYAMLOrJSON is DecodeFile.
//
// Deprecated: use DecodeFile.
func DecodeYAMLOrJSON(data []byte) (*Request, problem.Problems) { return DecodeFile(data) }

// decoder words its problems for the language of the input: "must be a
// JSON string" for JSON, "must be a string" for YAML.
type decoder struct{ lang string }

func decodeJSON(data []byte, lang string) (*Request, map[string]bool, problem.Problems) {
	d := decoder{lang: lang}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, nil, problem.Problems{{Field: "body", Reason: "is not a " + lang + "object: " + errText(err)}}
	}
	if dec.More() {
		return nil, nil, problem.Problems{{Field: "body", Reason: "has data after the " + lang + "object"}}
	}
	// Duplicate keys and bytes that are not UTF-8: encoding/json would keep
	// the last value and turn the bytes into U+FFFD without a word.
	if ps := scanJSON(data); len(ps) > 0 {
		return nil, nil, ps
	}
	r := &Request{}
	var ps problem.Problems
	present := make(map[string]bool, len(raw))
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
		present[k] = true
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := raw[k]
		var p *problem.Problem
		switch k {
		case FInstanceName:
			p = d.decodeString(k, v, &r.InstanceName)
		case FDescription:
			var s string
			if p = d.decodeString(k, v, &s); p == nil {
				r.Description = &s
			}
		case FPlanSpec:
			p = d.decodeString(k, v, &r.PlanSpec)
		case FRegion:
			p = d.decodeString(k, v, &r.Region)
		case FChargingMode:
			p = d.decodeString(k, v, &r.ChargingMode)
		case FPeriodType:
			p = d.decodeString(k, v, &r.PeriodType)
		case FPeriodNum:
			p = d.decodeInt(k, v, &r.PeriodNum)
		case FPurchaseQuantity:
			var n int
			if p = d.decodeInt(k, v, &n); p == nil {
				r.PurchaseQuantity = &n
			}
		case FIsAutoRenew, FIsAutoPay:
			var b bool
			if err := json.Unmarshal(v, &b); err != nil || isNull(v) {
				p = &problem.Problem{Field: k, Value: string(v), Reason: "must be a " + d.lang + "boolean (true or false)"}
			} else if k == FIsAutoRenew {
				r.IsAutoRenew = &b
			} else {
				r.IsAutoPay = &b
			}
		case FImageRef:
			ps = append(ps, d.decodeImageRef(v, r)...)
		case FExtraResources:
			ps = append(ps, d.decodeExtras(v, r)...)
		case FTags:
			ps = append(ps, d.decodeTags(v, r)...)
		default:
			reason := "is not a field of the purchase request"
			if k == "ExtraResources" {
				reason += " (the page's table says ExtraResources, the API key is extra_resources)"
			}
			p = &problem.Problem{Field: k, Value: "", Reason: reason, Suggestions: suggest.Closest(k, fields)}
		}
		if p != nil {
			ps = append(ps, *p)
		}
	}
	return r, present, ps
}

// scanJSON walks a JSON document's tokens and reports keys given twice in
// one object and strings that are not valid UTF-8 (raw bytes, or escapes
// of lone UTF-16 surrogates), each named by its field path. A syntax error
// ends the walk: decoding reports it.
func scanJSON(data []byte) problem.Problems {
	type frame struct {
		object   bool
		path     string
		first    map[string]string // objects: each key's first value, as written
		dup      bool              // objects: the key being read was seen before
		index    int               // arrays: the next element's index
		wantsKey bool              // objects: the next string is a key
	}
	var ps problem.Problems
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var key string // the innermost object's current key
	// child names the value about to be read in the innermost container.
	child := func() string {
		if len(stack) == 0 {
			return "body"
		}
		f := stack[len(stack)-1]
		if f.object {
			return joinPath(f.path, key)
		}
		return fmt.Sprintf("%s[%d]", f.path, f.index)
	}
	// valueStarts notes a value (written as text) for the current key.
	valueStarts := func(text string) {
		if len(stack) == 0 || !stack[len(stack)-1].object {
			return
		}
		f := stack[len(stack)-1]
		if f.dup {
			ps = append(ps, problem.Problem{Field: joinPath(f.path, key), Value: text,
				Reason: fmt.Sprintf("is given more than once in the same object (first %s): only one value can count; remove the others", f.first[key])})
			return
		}
		f.first[key] = text
	}
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		f := stack[len(stack)-1]
		if f.object {
			f.wantsKey = true
		} else {
			f.index++
		}
	}
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return ps
		}
		raw := data[start:dec.InputOffset()]
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if s, ok := tok.(string); ok && top != nil && top.object && top.wantsKey {
			key = s
			if bad := badText(raw, s); bad != "" {
				text := rawText(raw)
				ps = append(ps, problem.Problem{Field: joinPath(top.path, escapeBytes(text)), Value: text, Reason: "is a key that " + bad})
			}
			_, top.dup = top.first[s]
			top.wantsKey = false
			continue
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				valueStarts(map[json.Delim]string{'{': "{...}", '[': "[...]"}[t])
				stack = append(stack, &frame{object: t == '{', path: child(), first: map[string]string{}, wantsKey: t == '{'})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if bad := badText(raw, t); bad != "" {
				ps = append(ps, problem.Problem{Field: child(), Value: rawText(raw), Reason: bad})
			}
			valueStarts(strings.TrimLeft(string(bytes.TrimSpace(raw)), ",:[{ \t\r\n"))
			valueDone()
		default:
			valueStarts(strings.TrimLeft(string(bytes.TrimSpace(raw)), ",:[{ \t\r\n"))
			valueDone()
		}
	}
}

func joinPath(parent, key string) string {
	if parent == "" || parent == "body" {
		return key
	}
	return parent + "." + key
}

// badText says what is wrong with a JSON string token whose source is raw
// and whose decoded value is s: bytes that are not UTF-8, or escapes that
// decode to no character (encoding/json turns both into U+FFFD).
func badText(raw []byte, s string) string {
	if !utf8.Valid(raw) {
		return "is not valid UTF-8 (check the file's encoding)"
	}
	if n := strings.Count(s, "\uFFFD"); n > 0 && n > bytes.Count(raw, []byte("\uFFFD"))+countFold(raw, `\ufffd`) {
		return `holds a \u escape that is not a character (a lone UTF-16 surrogate)`
	}
	return ""
}

// rawText is a string token's text as written, without the separators
// before it and its quotes: what the file holds, bad bytes included.
func rawText(raw []byte) string {
	t := strings.TrimLeft(string(raw), ",: \t\r\n")
	return strings.TrimSuffix(strings.TrimPrefix(t, `"`), `"`)
}

// escapeBytes shows the bytes of s that are not UTF-8 as \xNN (for a field
// name made of a key that is not UTF-8).
func escapeBytes(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			fmt.Fprintf(&b, `\x%02x`, s[i])
			i++
			continue
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

func countFold(b []byte, sub string) int {
	return bytes.Count(bytes.ToLower(b), []byte(sub))
}

func errText(err error) string {
	if err == nil {
		return "null"
	}
	return err.Error()
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

func (d decoder) decodeString(field string, v json.RawMessage, dst *string) *problem.Problem {
	if isNull(v) || json.Unmarshal(v, dst) != nil {
		reason := "must be a " + d.lang + "string"
		if t := bytes.TrimSpace(v); len(t) > 0 && (t[0] == '-' || t[0] >= '0' && t[0] <= '9' || string(t) == "true" || string(t) == "false") {
			reason += fmt.Sprintf(" (quote it: %q)", t)
		}
		return &problem.Problem{Field: field, Value: string(v), Reason: reason}
	}
	return nil
}

func (d decoder) decodeInt(field string, v json.RawMessage, dst *int) *problem.Problem {
	var n json.Number
	t := bytes.TrimSpace(v)
	if isNull(v) || len(t) == 0 || t[0] == '"' || json.Unmarshal(v, &n) != nil {
		return &problem.Problem{Field: field, Value: string(v), Reason: "must be a " + d.lang + "integer (not a string)"}
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil || i > math.MaxInt32 || i < math.MinInt32 {
		return &problem.Problem{Field: field, Value: string(n), Reason: "must be a whole number"}
	}
	*dst = int(i)
	return nil
}

func (d decoder) decodeObject(field string, v json.RawMessage, allowed []string) (map[string]json.RawMessage, problem.Problems) {
	var m map[string]json.RawMessage
	if isNull(v) || json.Unmarshal(v, &m) != nil {
		return nil, problem.Problems{{Field: field, Value: string(v), Reason: "must be a " + d.lang + "object"}}
	}
	var ps problem.Problems
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
			ps = append(ps, problem.Problem{Field: field + "." + k, Reason: "is not a field of " + strings.TrimRight(field, "]0123456789["), Allowed: allowed, Suggestions: suggest.Closest(k, allowed)})
		}
	}
	return m, ps
}

func (d decoder) decodeArray(field string, v json.RawMessage) ([]json.RawMessage, *problem.Problem) {
	var a []json.RawMessage
	if isNull(v) || json.Unmarshal(v, &a) != nil {
		return nil, &problem.Problem{Field: field, Value: string(v), Reason: "must be a " + d.lang + "array"}
	}
	return a, nil
}

func (d decoder) decodeImageRef(v json.RawMessage, r *Request) problem.Problems {
	m, ps := d.decodeObject(FImageRef, v, []string{"image_name", "image_version", "image_id"})
	if m == nil {
		return ps
	}
	ir := &ImageRef{}
	dsts := map[string]*string{"image_name": &ir.ImageName, "image_version": &ir.ImageVersion, "image_id": &ir.ImageID}
	for _, k := range []string{"image_name", "image_version", "image_id"} {
		dst := dsts[k]
		if raw, ok := m[k]; ok {
			if p := d.decodeString(FImageRef+"."+k, raw, dst); p != nil {
				ps = append(ps, *p)
			}
		}
	}
	r.ImageRef = ir
	return ps
}

// decodeObjects decodes an array of objects with the given keys, calling
// each with the element's field name ("tags[2]") and its members.
func (d decoder) decodeObjects(field string, v json.RawMessage, keys []string, each func(field string, m map[string]json.RawMessage) problem.Problems) problem.Problems {
	items, p := d.decodeArray(field, v)
	if p != nil {
		return problem.Problems{*p}
	}
	var ps problem.Problems
	for i, item := range items {
		f := fmt.Sprintf("%s[%d]", field, i)
		m, ops := d.decodeObject(f, item, keys)
		ps = append(ps, ops...)
		if m != nil {
			ps = append(ps, each(f, m)...)
		}
	}
	return ps
}

func (d decoder) decodeExtras(v json.RawMessage, r *Request) problem.Problems {
	r.ExtraResources = []ExtraResource{}
	return d.decodeObjects(FExtraResources, v, []string{"type", "size"}, func(field string, m map[string]json.RawMessage) problem.Problems {
		var ps problem.Problems
		var e ExtraResource
		if raw, ok := m["type"]; !ok {
			ps = append(ps, problem.Problem{Field: field + ".type", Reason: "is required", Allowed: []string{ResourceEVS, ResourceCBR, ResourceHSS}})
		} else if p := d.decodeString(field+".type", raw, &e.Type); p != nil {
			ps = append(ps, *p)
		}
		if raw, ok := m["size"]; ok {
			var n int
			if p := d.decodeInt(field+".size", raw, &n); p != nil {
				ps = append(ps, *p)
			} else {
				e.Size = &n
			}
		}
		r.ExtraResources = append(r.ExtraResources, e)
		return ps
	})
}

func (d decoder) decodeTags(v json.RawMessage, r *Request) problem.Problems {
	r.Tags = []Tag{}
	return d.decodeObjects(FTags, v, []string{"key", "value"}, func(field string, m map[string]json.RawMessage) problem.Problems {
		var ps problem.Problems
		var t Tag
		for _, k := range []string{"key", "value"} {
			dst := map[string]*string{"key": &t.Key, "value": &t.Value}[k]
			raw, ok := m[k]
			if !ok {
				ps = append(ps, problem.Problem{Field: field + "." + k, Reason: "is required"})
				continue
			}
			if p := d.decodeString(field+"."+k, raw, dst); p != nil {
				ps = append(ps, *p)
			}
		}
		r.Tags = append(r.Tags, t)
		return ps
	})
}

// yamlToJSON turns a YAML request into the JSON text a JSON file would
// hold, refusing what JSON cannot say. Scalars keep their text: a quoted
// or block scalar is a string; a plain one is null, true, false, a number
// when it is written as JSON writes numbers, and otherwise a string, unless
// YAML reads it as a number, boolean or null that JSON spells differently
// (0x1, +1, .inf, True, NULL): that is an error.
func yamlToJSON(data []byte) ([]byte, problem.Problems) {
	if !utf8.Valid(data) {
		return nil, yamlUTF8Problems(data)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, problem.Problems{{Field: "body", Reason: "is empty"}}
		}
		return nil, problem.Problems{{Field: "body", Reason: "is not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, problem.Problems{{Field: "body", Reason: "holds more than one YAML document (---): give one"}}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, problem.Problems{{Field: "body", Reason: "is not a YAML mapping of fields"}}
	}
	c := &yamlConv{}
	c.node(root, "")
	if len(c.ps) > 0 {
		return nil, c.ps
	}
	return c.buf.Bytes(), nil
}

type yamlConv struct {
	buf bytes.Buffer
	ps  problem.Problems
}

func (c *yamlConv) fail(field string, n *yaml.Node, reason string) {
	if field == "" {
		field = "body"
	}
	c.ps = append(c.ps, problem.Problem{Field: field, Value: n.Value, Reason: fmt.Sprintf("%s (line %d)", reason, n.Line)})
}

// writeString writes s as a JSON string.
func (c *yamlConv) writeString(s string) {
	b, _ := json.Marshal(s)
	c.buf.Write(b)
}

func (c *yamlConv) node(n *yaml.Node, field string) {
	if n.Anchor != "" {
		c.fail(field, n, fmt.Sprintf("uses a YAML anchor (&%s): anchors and aliases are not accepted; write the value out", n.Anchor))
	}
	if n.Style&yaml.TaggedStyle != 0 {
		c.fail(field, n, fmt.Sprintf("has a YAML tag (%s): tags are not accepted; quote a string instead", n.Tag))
	}
	switch n.Kind {
	case yaml.AliasNode:
		c.fail(field, n, fmt.Sprintf("is a YAML alias (*%s): anchors and aliases are not accepted; write the value out", n.Value))
		c.buf.WriteString("null")
	case yaml.MappingNode:
		c.buf.WriteByte('{')
		type first struct {
			text string
			line int
		}
		seen := map[string]first{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if i > 0 {
				c.buf.WriteByte(',')
			}
			if k.Kind != yaml.ScalarNode {
				c.fail(field, k, "has a key that is not a plain name")
				c.buf.WriteString(`"":null`)
				continue
			}
			kf := joinPath(field, k.Value)
			if k.Tag == "!!merge" {
				c.fail(kf, k, "is a YAML merge key (<<): merge keys are not accepted; write the fields out")
			}
			if k.Anchor != "" || k.Style&yaml.TaggedStyle != 0 {
				c.fail(kf, k, "is a key with a YAML anchor or tag: not accepted")
			}
			if f, ok := seen[k.Value]; ok {
				c.ps = append(c.ps, problem.Problem{Field: kf, Value: yamlText(v),
					Reason: fmt.Sprintf("is given more than once in the same mapping (line %d; first %s on line %d): only one value can count; remove the others", k.Line, f.text, f.line)})
			} else {
				seen[k.Value] = first{yamlText(v), k.Line}
			}
			c.writeString(k.Value)
			c.buf.WriteByte(':')
			c.node(v, kf)
		}
		c.buf.WriteByte('}')
	case yaml.SequenceNode:
		c.buf.WriteByte('[')
		for i, e := range n.Content {
			if i > 0 {
				c.buf.WriteByte(',')
			}
			c.node(e, fmt.Sprintf("%s[%d]", field, i))
		}
		c.buf.WriteByte(']')
	case yaml.ScalarNode:
		c.scalar(n, field)
	default:
		c.fail(field, n, "is not a value a request can hold")
		c.buf.WriteString("null")
	}
}

// yamlText is a value as written, for messages.
func yamlText(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "{...}"
	case yaml.SequenceNode:
		return "[...]"
	case yaml.AliasNode:
		return "*" + n.Value
	}
	return n.Value
}

func (c *yamlConv) scalar(n *yaml.Node, field string) {
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		c.writeString(n.Value)
		return
	}
	v := n.Value
	switch {
	case v == "" || v == "~" || v == "null":
		c.buf.WriteString("null")
		return
	case v == "true" || v == "false":
		c.buf.WriteString(v)
		return
	case isJSONNumber(v):
		c.buf.WriteString(v)
		return
	}
	switch n.Tag {
	case "!!int", "!!float":
		c.fail(field, n, "is a number written in a form JSON does not accept: write it in decimal digits (such as 1 or 2.5), or quote it to make it a string")
	case "!!bool":
		c.fail(field, n, "is a boolean written in a form JSON does not accept: write true or false, or quote it to make it a string")
	case "!!null":
		c.fail(field, n, "is a null written in a form JSON does not accept: write null, or quote it to make it a string")
	}
	c.writeString(v)
}

// isJSONNumber reports whether s is a number as JSON writes it.
func isJSONNumber(s string) bool {
	if s == "" || !(s[0] == '-' || s[0] >= '0' && s[0] <= '9') {
		return false
	}
	var n json.Number
	return json.Unmarshal([]byte(s), &n) == nil
}

// yamlUTF8Problems names the fields of a YAML file that hold bytes which
// are not UTF-8: it parses a copy with each bad byte replaced and reports
// the node each bad byte falls in (or its line, when it cannot tell).
func yamlUTF8Problems(data []byte) problem.Problems {
	type pos struct{ line, col int }
	var bad []pos
	var fixed bytes.Buffer
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			bad = append(bad, pos{line, col})
			fixed.WriteString("\uFFFD")
		} else {
			fixed.Write(data[i : i+size])
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += max(size, 1)
	}
	var doc yaml.Node
	yaml.Unmarshal(fixed.Bytes(), &doc)
	// Every scalar with its field path, in document order.
	type place struct {
		field     string
		line, col int
	}
	var places []place
	var walk func(n *yaml.Node, field string)
	walk = func(n *yaml.Node, field string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, field)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				kf := joinPath(field, k.Value)
				places = append(places, place{kf, k.Line, k.Column})
				walk(n.Content[i+1], kf)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", field, i))
			}
		case yaml.ScalarNode:
			places = append(places, place{field, n.Line, n.Column})
		}
	}
	walk(&doc, "")
	lines := bytes.Split(data, []byte("\n"))
	var ps problem.Problems
	reported := map[string]bool{}
	for _, b := range bad {
		// The last place starting at or before the bad byte holds it. The
		// value shown is the line as written (bad bytes as \xNN), not the
		// parsed copy's replacement characters.
		field := ""
		for _, p := range places {
			if p.line < b.line || p.line == b.line && p.col <= b.col {
				field = p.field
			}
		}
		value := string(bytes.TrimSpace(lines[b.line-1]))
		if field == "" {
			field = fmt.Sprintf("body (line %d)", b.line)
		}
		if reported[field] {
			continue
		}
		reported[field] = true
		ps = append(ps, problem.Problem{Field: field, Value: value, Reason: fmt.Sprintf("is not valid UTF-8 (line %d, column %d; check the file's encoding)", b.line, b.col)})
	}
	return ps
}
