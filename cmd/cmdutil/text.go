package cmdutil

import (
	"strings"
	"time"
)

// Dash shows an empty table cell as "-".
func Dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// FirstLine is the first line of a (multi-line) error text, for table
// cells and journal entries.
func FirstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// TableTimeLayout is the one way tables show a time (JSON and YAML use
// RFC 3339).
const TableTimeLayout = "2006-01-02 15:04:05 UTC"

// TableTime shows t in tables: UTC, to the second; "-" when zero.
func TableTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(TableTimeLayout)
}

// TableTimeString shows an RFC 3339 time as TableTime does; other text is
// shown as it is, and "" as "-".
func TableTimeString(s string) string {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return TableTime(t)
	}
	return Dash(s)
}
