package output

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/flexusl/flexusl/internal/gojq"
	"github.com/flexusl/flexusl/pkg/safetext"
)

// Shape is what a script asked a result to look like: a jq expression
// (--jq), a Go template (--template) or a table's columns (--columns). All
// three work on the result's JSON form, the data -o json prints, never on
// anything more: a shape can select and rearrange the result, not reach
// past it (jq's $ENV and env are empty).
type Shape struct {
	jq      *gojq.Code
	tmpl    *template.Template
	columns []string
	now     func() time.Time
}

// ShapeOptions are the shaping flags as given.
type ShapeOptions struct {
	JQ       string
	Template string
	Columns  string // comma-separated JSON keys
	// Now is the clock of the template's timeago; nil means time.Now.
	Now func() time.Time
}

// Any reports whether a shape was asked for.
func (o ShapeOptions) Any() bool { return o.JQ != "" || o.Template != "" || o.Columns != "" }

// UsageError is a shape that cannot work on any result: a jq expression
// or template that does not compile, a malformed column list, an unknown
// column. It is found before the command does anything.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageErrorf(format string, a ...any) error {
	return &UsageError{fmt.Errorf(format, a...)}
}

// NewShape compiles o: the jq expression is parsed and compiled, the
// template parsed, the columns split. It returns nil without a shape.
func NewShape(o ShapeOptions) (*Shape, error) {
	n := 0
	for _, s := range []string{o.JQ, o.Template, o.Columns} {
		if s != "" {
			n++
		}
	}
	switch {
	case n == 0:
		return nil, nil
	case n > 1:
		return nil, usageErrorf("--jq, --template and --columns exclude each other: give one")
	}
	s := &Shape{now: o.Now}
	if s.now == nil {
		s.now = time.Now
	}
	switch {
	case o.JQ != "":
		q, err := gojq.Parse(o.JQ)
		if err != nil {
			return nil, usageErrorf("--jq %q: %v", o.JQ, jqParseError(o.JQ, err))
		}
		// No environment: the expression sees the result and nothing else
		// (a token in $FLEXUSL_TOKEN stays out of reach).
		code, err := gojq.Compile(q, gojq.WithEnvironLoader(func() []string { return nil }))
		if err != nil {
			return nil, usageErrorf("--jq %q: %v", o.JQ, err)
		}
		s.jq = code
	case o.Template != "":
		t, err := template.New(templateName).Funcs(templateFuncs(nil, s.now)).Parse(o.Template)
		if err != nil {
			return nil, &UsageError{templateError(err)}
		}
		s.tmpl = t
	default:
		for _, c := range strings.Split(o.Columns, ",") {
			c = strings.TrimSpace(c)
			if c == "" {
				return nil, usageErrorf("--columns %q: an empty column name (the names are JSON keys, separated by commas)", o.Columns)
			}
			if slices.Contains(s.columns, c) {
				return nil, usageErrorf("--columns %q: %s is named twice", o.Columns, c)
			}
			s.columns = append(s.columns, c)
		}
	}
	return s, nil
}

// templateError says where in the template err is: "--template, line
// 1:8: ..." rather than text/template's "template: NAME:1:8: ...".
func templateError(err error) error {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "template: "+templateName+":"); ok {
		return errors.New("--template, line " + rest)
	}
	return errors.New("--template: " + strings.TrimPrefix(msg, "template: "))
}

// templateName names the template in text/template's messages.
const templateName = "--template"

// jqParseError adds where in the expression a parse error is.
func jqParseError(src string, err error) error {
	var pe *gojq.ParseError
	if errors.As(err, &pe) && pe.Offset > 0 && pe.Offset <= len(src) {
		return fmt.Errorf("%v (at character %d)", err, pe.Offset)
	}
	return err
}

// IsJSON reports whether the shape works on JSON values (--jq, --template)
// rather than a table (--columns).
func (s *Shape) IsJSON() bool { return s != nil && (s.jq != nil || s.tmpl != nil) }

// Columns is the --columns list (nil for --jq and --template).
func (s *Shape) Columns() []string {
	if s == nil {
		return nil
	}
	return s.columns
}

// CheckColumns checks the columns against the keys a result has: an
// unknown name is a UsageError listing the valid ones. Without keys
// (a result whose keys are not fixed) every name passes.
func (s *Shape) CheckColumns(keys []string) error {
	if s == nil || len(s.columns) == 0 || len(keys) == 0 {
		return nil
	}
	var unknown []string
	for _, c := range s.columns {
		if !slices.Contains(keys, c) {
			unknown = append(unknown, c)
		}
	}
	switch len(unknown) {
	case 0:
		return nil
	case 1:
		return usageErrorf("--columns: %s is not a key of this result; the keys are %s", unknown[0], strings.Join(keys, ", "))
	}
	return usageErrorf("--columns: %s are not keys of this result; the keys are %s", strings.Join(unknown, ", "), strings.Join(keys, ", "))
}

// RuntimeError is a shape that failed on the result itself (a jq
// expression that indexes an array by name, a template that ranges over a
// string, a result that is not a table for --columns).
type RuntimeError struct {
	Flag string
	Err  error
}

func (e *RuntimeError) Error() string {
	if e.Flag == templateName {
		return templateError(e.Err).Error()
	}
	return e.Flag + ": " + e.Err.Error()
}
func (e *RuntimeError) Unwrap() error { return e.Err }

// Write writes data shaped by s to w, all or nothing: on an error w gets
// nothing. tty says w is a terminal.
//
// --jq: each value the expression yields on a line; a string as its text
// (as jq -r prints it), anything else as JSON, indented as -o json is
// (gojq writes an object's keys sorted). The values are exact: only a
// string printed to a terminal has its control characters escaped.
//
// --template: the template's output; every string of the data (and every
// key) has its control characters escaped first, as table cells do, so
// a server's text cannot rewrite the screen or add lines.
//
// --columns: a table of those keys, one row per record (an array of
// objects, or one object); cells as tables show them (times as the table
// time, "-" for nothing, lists joined by commas). known are the keys the
// result's type declares; names the data holds are valid too.
func (s *Shape) Write(ctx context.Context, w io.Writer, data any, known []string, tty bool) error {
	v, err := jsonValue(data)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch {
	case s.jq != nil:
		err = s.writeJQ(ctx, &buf, v, tty)
	case s.tmpl != nil:
		err = s.writeTemplate(&buf, v)
	default:
		err = s.writeColumns(&buf, v, known)
	}
	if err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// jsonValue is data as JSON decodes it, numbers kept as written
// (json.Number), so a shape sees exactly what -o json prints.
func jsonValue(data any) (any, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("encode json: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode json: %w", err)
	}
	return v, nil
}

func (s *Shape) writeJQ(ctx context.Context, w *bytes.Buffer, v any, tty bool) error {
	iter := s.jq.RunWithContext(ctx, v)
	for {
		out, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, ok := out.(error); ok {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				return nil // halt: stop, successfully
			}
			return &RuntimeError{"--jq", err}
		}
		if str, ok := out.(string); ok {
			if tty {
				str = safetext.Text(str)
			}
			w.WriteString(str)
			w.WriteByte('\n')
			continue
		}
		b, err := gojq.Marshal(out)
		if err != nil {
			return &RuntimeError{"--jq", err}
		}
		if len(b) > 0 && (b[0] == '{' || b[0] == '[') {
			var ind bytes.Buffer
			if json.Indent(&ind, b, "", "  ") == nil {
				b = ind.Bytes()
			}
		}
		w.Write(b)
		w.WriteByte('\n')
	}
}

func (s *Shape) writeTemplate(w *bytes.Buffer, v any) error {
	tb := &templateTable{}
	t, err := s.tmpl.Clone()
	if err != nil {
		return &RuntimeError{"--template", err}
	}
	t.Funcs(templateFuncs(tb, s.now))
	if err := t.Execute(w, escapeStrings(v)); err != nil {
		return &RuntimeError{templateName, err}
	}
	// Rows not yet rendered are rendered at the end.
	out, err := tb.render()
	if err != nil {
		return &RuntimeError{"--template", err}
	}
	w.WriteString(out)
	return nil
}

// escapeStrings is v with every string and key made safe to print
// (safetext.Line).
func escapeStrings(v any) any {
	switch x := v.(type) {
	case string:
		return safetext.Line(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = escapeStrings(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[safetext.Line(k)] = escapeStrings(e)
		}
		return out
	}
	return v
}

func (s *Shape) writeColumns(w *bytes.Buffer, v any, known []string) error {
	var records []map[string]any
	switch x := v.(type) {
	case map[string]any:
		records = []map[string]any{x}
	case []any:
		for _, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				return &RuntimeError{"--columns", fmt.Errorf("the result is a list of %s, not of records: use --jq or --template", jsonKind(e))}
			}
			records = append(records, m)
		}
	default:
		return &RuntimeError{"--columns", fmt.Errorf("the result is %s, not a table: use --jq or --template", jsonKind(v))}
	}
	keys := slices.Clone(known)
	var extra []string
	for _, r := range records {
		for k := range r {
			if !slices.Contains(keys, k) && !slices.Contains(extra, k) {
				extra = append(extra, k)
			}
		}
	}
	slices.Sort(extra)
	keys = append(keys, extra...)
	if len(records) > 0 || len(known) > 0 {
		if err := s.CheckColumns(keys); err != nil {
			return err
		}
	}
	header := make([]string, len(s.columns))
	for i, c := range s.columns {
		header[i] = ColumnHeader(c)
	}
	rows := make([][]string, len(records))
	for i, r := range records {
		rows[i] = make([]string, len(s.columns))
		for j, c := range s.columns {
			rows[i][j] = Cell(r[c])
		}
	}
	return WriteTable(w, header, rows)
}

// ColumnHeader is a JSON key as a table's header: public_ip is PUBLIC IP.
func ColumnHeader(key string) string {
	return strings.ToUpper(strings.ReplaceAll(key, "_", " "))
}

// Cell shows a JSON value (as jsonValue decodes it) in a table: nothing
// (null, "", []) as "-", an RFC 3339 time as TableTime, a list of
// scalars joined by commas, a record as compact JSON.
func Cell(v any) string {
	switch x := v.(type) {
	case nil:
		return "-"
	case string:
		return TableTimeString(x)
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case []any:
		if len(x) == 0 {
			return "-"
		}
		parts := make([]string, len(x))
		for i, e := range x {
			switch e.(type) {
			case map[string]any, []any:
				return compactJSON(x)
			}
			parts[i] = Cell(e)
		}
		return strings.Join(parts, ",")
	}
	return compactJSON(v)
}

func compactJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "a record"
	}
	return reflect.TypeOf(v).String()
}
