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
	"unicode/utf8"

	"github.com/flexusl/flexusl/pkg/safetext"
	"github.com/mattn/go-runewidth"
	"github.com/olekukonko/tablewriter"
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
// Any case is taken, and yml for yaml (-o JSON, -o yml).
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if f == "yml" {
		f = YAML
	}
	switch f {
	case Table, JSON, YAML:
		return f, nil
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
	// Compact first, then indented into a buffer sized once: what
	// Encoder.SetIndent prints, without its indent buffer growing through
	// a dozen sizes (each a fresh page in a process that just started).
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	var buf bytes.Buffer
	buf.Grow(2 * compact.Len())
	if err := json.Indent(&buf, compact.Bytes(), "", "  "); err != nil {
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
	if err := yaml.Unmarshal(escapeNonPrintable(j), &n); err != nil {
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

// escapeNonPrintable writes the characters JSON leaves raw but YAML's
// reader refuses (DEL, the C1 controls U+0080-U+009F, U+FEFF, U+FFFE,
// U+FFFF) as \uXXXX escapes, which mean the same in JSON and in YAML. They
// can only occur inside JSON strings, so the document stays the same.
func escapeNonPrintable(j []byte) []byte {
	var out []byte
	for i := 0; i < len(j); {
		r, size := utf8.DecodeRune(j[i:])
		if r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0xfeff || r == 0xfffe || r == 0xffff {
			if out == nil {
				out = append(make([]byte, 0, len(j)+16), j[:i]...)
			}
			out = fmt.Appendf(out, `\u%04x`, r)
		} else if out != nil {
			out = append(out, j[i:i+size]...)
		}
		i += size
	}
	if out == nil {
		return j
	}
	return out
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
// separated by spaces, no trailing blanks. Cells often hold text from a
// server or a file: every control character in them is shown escaped
// (safetext.Line), so a cell can neither break the table's lines nor
// rewrite the screen. A nil header writes the rows alone.
func WriteTable(w io.Writer, header []string, rows [][]string) error {
	var buf bytes.Buffer
	t := tablewriter.NewWriter(&buf)
	if header != nil {
		t.SetHeader(safeRow(header))
	}
	t.SetAutoFormatHeaders(false)
	t.SetAutoWrapText(false)
	t.SetBorder(false)
	t.SetHeaderLine(false)
	t.SetColumnSeparator("")
	t.SetCenterSeparator("")
	t.SetRowSeparator("")
	t.SetAlignment(tablewriter.ALIGN_LEFT)
	t.SetHeaderAlignment(tablewriter.ALIGN_LEFT)
	t.SetTablePadding("  ")
	t.SetNoWhiteSpace(true)
	for _, r := range rows {
		t.Append(safeRow(r))
	}
	t.Render()
	lines := bytes.Split(bytes.TrimRight(buf.Bytes(), "\n"), []byte("\n"))
	var out bytes.Buffer
	for _, l := range lines {
		out.Write(bytes.TrimRight(l, " "))
		out.WriteByte('\n')
	}
	_, err := w.Write(out.Bytes())
	return err
}

// safeRow is r with its cells made safe to print (a copy: the caller's
// rows are left as they are).
func safeRow(r []string) []string {
	out := make([]string, len(r))
	for i, c := range r {
		out[i] = safetext.Line(c)
	}
	return out
}

// minCell is how narrow Fit makes a column it cuts.
const minCell = 10

// Fit makes a table fit a terminal of width columns (0: no limit). While it
// is wider, the widest column that is not an ID (a header ending in ID or
// IDS: people copy those whole) loses a column, down to minCell, cut cells
// ending in "…"; if it is still wider, columns are left out from the right
// (never the first), and hidden names them so the caller can say so. JSON
// and YAML are never cut.
func Fit(header []string, rows [][]string, width int) (h []string, out [][]string, hidden []string) {
	if width <= 0 || len(header) == 0 {
		return header, rows, nil
	}
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = runewidth.StringWidth(safetext.Line(h))
	}
	for _, r := range rows {
		for i, c := range r {
			if i < len(widths) {
				widths[i] = max(widths[i], runewidth.StringWidth(safetext.Line(c)))
			}
		}
	}
	n := len(header) // columns kept
	total := func() int {
		t := 2 * (n - 1)
		for _, w := range widths[:n] {
			t += w
		}
		return t
	}
	for total() > width {
		widest := -1
		for i := 0; i < n; i++ {
			if isIDHeader(header[i]) || widths[i] <= max(minCell, runewidth.StringWidth(header[i])) {
				continue
			}
			if widest < 0 || widths[i] > widths[widest] {
				widest = i
			}
		}
		if widest >= 0 {
			widths[widest]--
			continue
		}
		if n == 1 {
			break // one column left: the terminal wraps it
		}
		n--
	}
	h = header[:n]
	hidden = header[n:]
	out = make([][]string, len(rows))
	for i, r := range rows {
		out[i] = make([]string, 0, n)
		for j, c := range r {
			if j >= n {
				break
			}
			c = safetext.Line(c)
			if runewidth.StringWidth(c) > widths[j] {
				c = runewidth.Truncate(c, widths[j], "…")
			}
			out[i] = append(out[i], c)
		}
	}
	return h, out, hidden
}

func isIDHeader(h string) bool {
	return strings.HasSuffix(h, "ID") || strings.HasSuffix(h, "IDS")
}
