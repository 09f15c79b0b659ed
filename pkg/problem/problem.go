// Package problem provides the validation error every input check in
// flexusl reports: the field, the bad value, the reason, what is allowed
// and close matches for a typo, one problem per line when there are many.
package problem

import (
	"fmt"
	"strings"
)

// Problem says why one value is not valid: the field, the bad value, the
// reason, what is allowed and close matches for a typo.
type Problem struct {
	Field       string
	Value       string
	Reason      string
	Allowed     []string
	Suggestions []string
}

// Error renders the problem on one line.
func (p Problem) Error() string {
	var b strings.Builder
	if p.Value == "" && strings.HasPrefix(p.Reason, "is required") {
		fmt.Fprintf(&b, "%s: %s", p.Field, p.Reason)
	} else {
		fmt.Fprintf(&b, "%s %q: %s", p.Field, p.Value, p.Reason)
	}
	if len(p.Allowed) > 0 {
		fmt.Fprintf(&b, "; allowed: %s", strings.Join(p.Allowed, ", "))
	}
	if len(p.Suggestions) > 0 {
		fmt.Fprintf(&b, "; did you mean %s?", strings.Join(p.Suggestions, " or "))
	}
	return b.String()
}

// Problems is a list of problems as one error: every violation at once.
type Problems []Problem

// Error renders one problem per line.
func (ps Problems) Error() string { return ps.Render(nil) }

// Render renders one problem per line, naming each field through label
// (e.g. to add the flag that sets it) when label is not nil.
func (ps Problems) Render(label func(field string) string) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString("\n")
		}
		if label != nil {
			q := p
			q.Field = label(p.Field)
			b.WriteString(q.Error())
		} else {
			b.WriteString(p.Error())
		}
	}
	return b.String()
}
