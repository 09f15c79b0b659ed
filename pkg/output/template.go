package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"
)

// TemplateFuncs documents the helpers a --template can use (help, README).
const TemplateFuncs = `tablerow CELL...   add a row to a table (cells shown as in tables)
tablerender        print the rows added so far, columns aligned
                   (rows still pending at the end are printed then)
timeago TIME       how long ago an RFC 3339 time was: "3 hours ago"
timefmt LAYOUT TIME  an RFC 3339 time in UTC, in a Go layout ("2006-01-02")
json VALUE         VALUE as compact JSON
pluck KEY LIST     the KEY of every record in LIST
join SEP LIST      the items of LIST joined by SEP
truncate N TEXT    TEXT cut to N characters ("..." marks a cut)`

// templateTable collects tablerow's rows until tablerender.
type templateTable struct{ rows [][]string }

func (t *templateTable) render() (string, error) {
	if t == nil || len(t.rows) == 0 {
		return "", nil
	}
	var buf bytes.Buffer
	err := WriteTable(&buf, nil, t.rows)
	t.rows = nil
	return buf.String(), err
}

func templateFuncs(tb *templateTable, now func() time.Time) template.FuncMap {
	return template.FuncMap{
		"tablerow": func(cells ...any) string {
			row := make([]string, len(cells))
			for i, c := range cells {
				row[i] = Cell(c)
			}
			tb.rows = append(tb.rows, row)
			return ""
		},
		"tablerender": func() (string, error) { return tb.render() },
		"timeago": func(v any) string {
			t, ok := parseTime(v)
			if !ok {
				return text(v)
			}
			return timeAgo(now().Sub(t))
		},
		"timefmt": func(layout string, v any) string {
			t, ok := parseTime(v)
			if !ok {
				return text(v)
			}
			return t.UTC().Format(layout)
		},
		"json": func(v any) string { return compactJSON(v) },
		"pluck": func(key string, list any) ([]any, error) {
			items, ok := list.([]any)
			if !ok && list != nil {
				return nil, fmt.Errorf("pluck: %s is not a list", jsonKind(list))
			}
			out := make([]any, 0, len(items))
			for _, it := range items {
				if m, ok := it.(map[string]any); ok {
					out = append(out, m[key])
				}
			}
			return out, nil
		},
		"join": func(sep string, list any) (string, error) {
			items, ok := list.([]any)
			if !ok && list != nil {
				return "", fmt.Errorf("join: %s is not a list", jsonKind(list))
			}
			parts := make([]string, len(items))
			for i, it := range items {
				parts[i] = text(it)
			}
			return strings.Join(parts, sep), nil
		},
		"truncate": func(n int, v any) string {
			s := text(v)
			if n < 1 || utf8.RuneCountInString(s) <= n {
				return s
			}
			r := []rune(s)
			if n <= 3 {
				return string(r[:n])
			}
			return string(r[:n-3]) + "..."
		},
	}
}

// text is a JSON value as plain text: a string as itself, null as "",
// anything else as compact JSON.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return compactJSON(v)
}

func parseTime(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// timeAgo says how long ago d was (in how long, for a time to come).
func timeAgo(d time.Duration) string {
	future := d < 0
	if future {
		d = -d
	}
	var n int
	var unit string
	switch {
	case d < time.Minute:
		if future {
			return "in less than a minute"
		}
		return "less than a minute ago"
	case d < time.Hour:
		n, unit = int(d/time.Minute), "minute"
	case d < 48*time.Hour:
		n, unit = int(d/time.Hour), "hour"
	case d < 60*24*time.Hour:
		n, unit = int(d/(24*time.Hour)), "day"
	case d < 730*24*time.Hour:
		n, unit = int(d/(30*24*time.Hour)), "month"
	default:
		n, unit = int(d/(365*24*time.Hour)), "year"
	}
	if n != 1 {
		unit += "s"
	}
	if future {
		return fmt.Sprintf("in %d %s", n, unit)
	}
	return fmt.Sprintf("%d %s ago", n, unit)
}
