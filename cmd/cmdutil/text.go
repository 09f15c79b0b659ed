package cmdutil

import (
	"strings"
	"time"

	"github.com/flexusl/flexusl/pkg/output"
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

// TableTime shows t in tables (output.TableTime).
func TableTime(t time.Time) string { return output.TableTime(t) }

// TableTimeString shows an RFC 3339 time in tables (output.TableTimeString).
func TableTimeString(s string) string { return output.TableTimeString(s) }
