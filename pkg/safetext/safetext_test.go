package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLineAndText(t *testing.T) {
	tests := []struct{ in, line, text string }{
		{"plain text, ünïcode 中文 ✓", "plain text, ünïcode 中文 ✓", "plain text, ünïcode 中文 ✓"},
		{"", "", ""},
		{"\x1b[2J\x1b[1;1HQuantity: 1", "^[[2J^[[1;1HQuantity: 1", "^[[2J^[[1;1HQuantity: 1"},
		{"\x1b]0;pwned\x07title", "^[]0;pwned^Gtitle", "^[]0;pwned^Gtitle"},
		{"abc\rXYZ", "abc^MXYZ", "abc^MXYZ"},
		{"abc\b\b\bXYZ", "abc^H^H^HXYZ", "abc^H^H^HXYZ"},
		{"del\x7f", "del^?", "del^?"},
		{"nul\x00", "nul^@", "nul^@"},
		{"a\nb\tc", `a\nb\tc`, "a\nb\tc"},
		{"c1 \u009b31m red", "c1 ^[[31m red", "c1 ^[[31m red"},
		{"c1 \u0085 nel", "c1 ^[E nel", "c1 ^[E nel"},
		{"raw \x9b31m byte", `raw \x9b31m byte`, `raw \x9b31m byte`},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`, `bad \xff\xfe utf8`},
		{"rtl \u202egnp.exe", `rtl \u202egnp.exe`, `rtl \u202egnp.exe`},
		{"ls \u2028 ps \u2029", `ls \u2028 ps \u2029`, `ls \u2028 ps \u2029`},
	}
	for _, tt := range tests {
		if got := Line(tt.in); got != tt.line {
			t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.line)
		}
		if got := Text(tt.in); got != tt.text {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.text)
		}
		if IsSafe(tt.in) != (tt.in == tt.line) {
			t.Errorf("IsSafe(%q) = %v", tt.in, IsSafe(tt.in))
		}
	}
}

func TestSafeTextIsUnchangedAndNotCopied(t *testing.T) {
	s := strings.Repeat("order CS24022811305H1EW ", 10)
	if n := testing.AllocsPerRun(100, func() { _ = Line(s) }); n != 0 {
		t.Errorf("%v allocations for safe text", n)
	}
}

// checkSafe fails when out holds anything a terminal would obey.
func checkSafe(t *testing.T, in, out string, layout bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%q -> %q: not UTF-8", in, out)
	}
	for _, r := range out {
		if r < 0x20 && !(layout && (r == '\n' || r == '\t')) || r == 0x7f || escapedRune(r) {
			t.Fatalf("%q -> %q keeps %U", in, out, r)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J", "\x1b]8;;http://x\x07link\x1b]8;;\x07", "\u009b1m", "\xc2", "\xff", "a\r\nb", "\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line, text := Line(s), Text(s)
		checkSafe(t, s, line, false)
		checkSafe(t, s, text, true)
		if strings.Contains(line, "\n") {
			t.Fatalf("Line(%q) has a newline", s)
		}
		if Line(line) != line || Text(text) != text {
			t.Fatalf("not idempotent on %q", s)
		}
		if IsSafe(s) != (line == s) {
			t.Fatalf("IsSafe(%q) = %v but Line = %q", s, IsSafe(s), line)
		}
		if strings.Count(text, "\n") != strings.Count(s, "\n") {
			t.Fatalf("Text(%q) changed the lines", s)
		}
	})
}
