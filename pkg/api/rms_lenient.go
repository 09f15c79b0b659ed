package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// RMS leaves an entry's properties untyped (the SDK's ResourceEntity has
// Properties map[string]interface{}): a value flexusl reads as a string may
// come as a number, a boolean or an object. A listing never fails whole for
// one odd entry: the text fields of properties (status, metadata values,
// resource attribute keys and values) and tag values are read whatever
// their JSON type (a number or boolean as written, an object or array as
// nothing), and an entry that still cannot be read is left out of the page
// and named in ListResourcesPage.Skipped.

// SkippedResource is an RMS entry a page could not use.
type SkippedResource struct {
	ID  string // as RMS gave it ("" when it gave none that reads as text)
	Err error
}

// UnmarshalJSON reads a page entry by entry: an entry that cannot be read
// goes to Skipped, not into an error.
func (p *ListResourcesPage) UnmarshalJSON(b []byte) error {
	var raw struct {
		Resources []json.RawMessage `json:"resources"`
		PageInfo  json.RawMessage   `json:"page_info"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*p = ListResourcesPage{}
	if len(raw.PageInfo) > 0 {
		if err := json.Unmarshal(raw.PageInfo, &p.PageInfo); err != nil {
			return fmt.Errorf("page_info: %w", err)
		}
	}
	p.Resources = make([]Resource, 0, len(raw.Resources))
	for _, e := range raw.Resources {
		var r Resource
		if err := json.Unmarshal(e, &r); err != nil {
			p.Skipped = append(p.Skipped, SkippedResource{ID: entryID(e), Err: err})
			continue
		}
		p.Resources = append(p.Resources, r)
	}
	return nil
}

// entryID is an unreadable entry's "id" as text, for the warning.
func entryID(e json.RawMessage) string {
	var v struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(e, &v) != nil {
		return ""
	}
	s, _ := looseText(v.ID)
	return capText(s)
}

// UnmarshalJSON reads an entry with its tag values as text, whatever
// their JSON type.
func (r *Resource) UnmarshalJSON(b []byte) error {
	type plain Resource
	var v struct {
		*plain
		Tags json.RawMessage `json:"tags"`
	}
	v.plain = (*plain)(r)
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	r.Tags = looseMap(v.Tags)
	return nil
}

// UnmarshalJSON reads properties with status and metadata values as text,
// whatever their JSON type; metadata that is not an object is none.
func (p *ResourceProperties) UnmarshalJSON(b []byte) error {
	type plain ResourceProperties
	var v struct {
		*plain
		Status   json.RawMessage `json:"status"`
		Metadata json.RawMessage `json:"metadata"`
	}
	v.plain = (*plain)(p)
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	p.Status, _ = looseText(v.Status)
	p.Metadata = looseMap(v.Metadata)
	return nil
}

// UnmarshalJSON reads an attribute's key and value as text, whatever their
// JSON type.
func (kv *KeyValuePair) UnmarshalJSON(b []byte) error {
	var v struct {
		Key   json.RawMessage `json:"key"`
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	kv.Key, _ = looseText(v.Key)
	kv.Value, _ = looseText(v.Value)
	return nil
}

// looseText is a JSON scalar as text: a string as it is, a number as
// written, a boolean as true/false. ok is false for null, an object, an
// array or nothing (the text is then "").
func looseText(v json.RawMessage) (s string, ok bool) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "", false
	}
	switch v[0] {
	case '"':
		if json.Unmarshal(v, &s) != nil {
			return "", false
		}
		return s, true
	case 't', 'f':
		var b bool
		if json.Unmarshal(v, &b) != nil {
			return "", false
		}
		return strconv.FormatBool(b), true
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var n json.Number
		if json.Unmarshal(v, &n) != nil {
			return "", false
		}
		return n.String(), true
	}
	return "", false
}

// looseMap is a JSON object's scalar values as text; values that are not
// scalars are left out, and anything but an object is an empty map (nil
// for null or nothing).
func looseMap(v json.RawMessage) map[string]string {
	var m map[string]json.RawMessage
	if len(bytes.TrimSpace(v)) == 0 || json.Unmarshal(v, &m) != nil || m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		if s, ok := looseText(e); ok {
			out[k] = s
		}
	}
	return out
}

// warnSkipped says (through Notify: stderr) which entries a listing left
// out, so that one odd entry costs only itself.
func (c *Client) warnSkipped(op *Op, skipped []SkippedResource) {
	for _, s := range skipped {
		id := s.ID
		if id == "" {
			id = "(no ID)"
		}
		c.notify("%s: RMS entry %s left out: it cannot be read: %s", op.Name, id, capText(s.Err.Error()))
	}
}
