package cmdutil

import "strings"

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
