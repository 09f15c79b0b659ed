package output

import "time"

// TableTimeLayout is the one way tables show a time: UTC, to the second.
// JSON and YAML keep RFC 3339.
const TableTimeLayout = "2006-01-02 15:04:05 UTC"

// TableTime shows t in a table; "-" when zero.
func TableTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(TableTimeLayout)
}

// TableTimeString shows an RFC 3339 time (a service's answer) as TableTime
// does; other text is shown as it is, and "" as "-".
func TableTimeString(s string) string {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return TableTime(t)
	}
	if s == "" {
		return "-"
	}
	return s
}
