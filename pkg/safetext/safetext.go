// Package safetext makes text from servers and files safe to print on a
// terminal: every control character is shown escaped instead of being
// obeyed, so no answer and no file can move the cursor, rewrite a line
// already printed, change colours, set the window title or ring the bell.
//
// The escapes follow gh's sanitiser for API text: C0 controls in caret
// notation (ESC is ^[, BEL ^G, backspace ^H, carriage return ^M), DEL as ^?,
// C1 controls (U+0080-U+009F, which some terminals obey like ESC sequences)
// as ^[ and the matching 7-bit character (CSI U+009B is ^[[). Bytes that are
// not UTF-8 are shown as \xNN; Unicode's bidirectional overrides and line
// separators, which reorder or break a line, as \u202e and the like.
//
// Only display is changed: JSON and YAML output must never pass through
// here.
package safetext

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Line makes s safe to print as (part of) one line: every control
// character, newline and tab included, is escaped.
func Line(s string) string { return clean(s, false) }

// Text makes s safe to print as text that may span lines: newlines and
// tabs are kept, every other control character is escaped.
func Text(s string) string { return clean(s, true) }

// IsSafe reports whether Line(s) == s: s holds nothing a terminal would
// obey.
func IsSafe(s string) bool { return !needsWork(s, false) }

func needsWork(s string, layout bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			if layout && (c == '\n' || c == '\t') {
				continue
			}
			return true
		}
		if c >= 0x80 {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size <= 1 || escapedRune(r) {
				return true
			}
			i += size - 1
		}
	}
	return false
}

func clean(s string, layout bool) string {
	if !needsWork(s, layout) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n' || c == '\t':
			if layout {
				b.WriteByte(c)
			} else if c == '\n' {
				b.WriteString(`\n`)
			} else {
				b.WriteString(`\t`)
			}
			i++
		case c < 0x20:
			b.WriteByte('^')
			b.WriteByte(c + 0x40)
			i++
		case c == 0x7f:
			b.WriteString("^?")
			i++
		case c < 0x80:
			b.WriteByte(c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size <= 1:
				fmt.Fprintf(&b, `\x%02x`, c)
			case r >= 0x80 && r <= 0x9f:
				b.WriteString("^[")
				b.WriteByte(byte(r - 0x40))
			case escapedRune(r):
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				b.WriteString(s[i : i+size])
			}
			i += size
		}
	}
	return b.String()
}

// escapedRune: C1 controls, and the format characters that reorder or
// split a line (bidirectional embeddings, overrides and isolates, the
// line and paragraph separators).
func escapedRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	}
	return false
}
