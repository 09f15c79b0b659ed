package output

import (
	"reflect"
	"strings"
)

// Key is one JSON key of a result type.
type Key struct {
	Name      string
	OmitEmpty bool // left out of the JSON when its value is empty
}

// KeysOf lists the JSON keys of the records a value of type t prints, in
// the order encoding/json writes them: the fields of a struct (of the
// element, for a slice, an array or a pointer), embedded structs' fields
// promoted, "-" and unexported fields left out. Types whose keys are not
// fixed (maps, interfaces) have none.
func KeysOf(t reflect.Type) []Key {
	for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	type found struct {
		Key
		depth  int
		tagged bool
	}
	var all []found
	var walk func(t reflect.Type, depth int)
	walk = func(t reflect.Type, depth int) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
				walk(ft, depth+1)
				continue
			}
			if !sf.IsExported() {
				continue
			}
			tagged := name != ""
			if name == "" {
				name = sf.Name
			}
			all = append(all, found{Key{name, strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")}, depth, tagged})
		}
	}
	walk(t, 0)
	// encoding/json's rule for a name given more than once: the shallowest
	// field wins, a tagged one over an untagged one at that depth; a tie
	// leaves the name out.
	var keys []Key
	for i, f := range all {
		win, tie := true, false
		for j, g := range all {
			if i == j || g.Name != f.Name {
				continue
			}
			switch {
			case g.depth < f.depth, g.depth == f.depth && g.tagged && !f.tagged:
				win = false
			case g.depth == f.depth && g.tagged == f.tagged:
				tie = true
			}
		}
		if win && !tie {
			keys = append(keys, f.Key)
		}
	}
	return keys
}

// KeyNames is the names of keys.
func KeyNames(keys []Key) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.Name
	}
	return out
}
