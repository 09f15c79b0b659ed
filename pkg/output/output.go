// Package output prints results: a plain table for people, indented JSON or
// YAML for scripts. Results go to the writer given (stdout); nothing else
// does. JSON and YAML come from the same value, so their keys are the same
// snake_case names in the same order.
package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// Format is an output format.
type Format string

// The formats.
const (
	Table Format = "table"
	JSON  Format = "json"
	YAML  Format = "yaml"
)

// Formats lists the formats for help and completion.
var Formats = []string{string(Table), string(JSON), string(YAML)}

// ParseFormat checks a format name.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case Table, JSON, YAML:
		return Format(s), nil
	}
	return "", fmt.Errorf("output format %q is not one of table, json, yaml", s)
}

// TableFunc gives a table's header and rows.
type TableFunc func() (header []string, rows [][]string)

// Print writes data as JSON or YAML, or as the table tbl gives.
func Print(w io.Writer, f Format, data any, tbl TableFunc) error {
	switch f {
	case JSON:
		return WriteJSON(w, data)
	case YAML:
		return WriteYAML(w, data)
	default:
		h, rows := tbl()
		return WriteTable(w, h, rows)
	}
}

// WriteJSON writes v as indented JSON with a final newline; HTML characters
// are not escaped.
func WriteJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteYAML writes v as block YAML with the keys and order its JSON form has.
func WriteYAML(w io.Writer, v any) error {
	j, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode yaml: %w", err)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(j, &n); err != nil {
		return fmt.Errorf("encode yaml: %w", err)
	}
	blockStyle(&n)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return fmt.Errorf("encode yaml: %w", err)
	}
	return enc.Close()
}

// blockStyle drops the flow and quoting styles the JSON input gave, so the
// encoder picks block style and quotes only where a plain scalar would be
// read back as another type (a version "6.4" stays a string).
func blockStyle(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode {
		n.Style = 0
		if n.Tag == "!!str" && n.Value == "" {
			n.Style = yaml.DoubleQuotedStyle
		}
	} else {
		n.Style = 0
	}
	for _, c := range n.Content {
		blockStyle(c)
	}
}

// WriteTable writes a borderless table: upper-case headers, columns
// separated by two spaces, no trailing blanks. Widths are display widths
// (East Asian wide characters count two).
func WriteTable(w io.Writer, header []string, rows [][]string) error {
	widths := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var out bytes.Buffer
	for _, r := range append([][]string{header}, rows...) {
		var line bytes.Buffer
		for i, c := range r {
			if i > 0 {
				line.WriteString("  ")
			}
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)))
			}
		}
		out.Write(bytes.TrimRight(line.Bytes(), " "))
		out.WriteByte('\n')
	}
	_, err := w.Write(out.Bytes())
	return err
}

// displayWidth is how many terminal columns s takes: East Asian wide and
// fullwidth characters two, combining marks none, others one.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == 0x200B:
		case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF && r != 0x303F, r >= 0xAC00 && r <= 0xD7A3,
			r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6,
			r >= 0x1F300 && r <= 0x1F64F, r >= 0x1F900 && r <= 0x1F9FF, r >= 0x20000 && r <= 0x3FFFD:
			n += 2
		default:
			n++
		}
	}
	return n
}
