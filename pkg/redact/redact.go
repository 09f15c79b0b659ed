// Package redact hides secrets (a new password, an IAM password) in text
// a server sent back, in every encoding a server may echo them in: raw,
// JSON string escapes (\/, \", \n, \u0021 and surrogate pairs, any hex
// case), URL escapes (%21, any hex case, + for a space) and HTML character
// references (&#33;, &#x21;, &amp;), mixed freely character by character.
//
// It is the one place flexusl redacts echoed secrets: the request layer
// runs every answer body, header and transport error of a call that
// carries a secret through it before the text can reach an error, a
// table, the journal or the --debug dump.
package redact

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Mark replaces a secret.
const Mark = "REDACTED"

// Bytes returns b with every occurrence of each secret, in any encoding,
// replaced by Mark. b is not modified; it is returned as is when it holds
// no secret.
func Bytes(b []byte, secrets []string) []byte {
	for _, s := range secrets {
		if s == "" || !utf8.ValidString(s) {
			continue
		}
		b = replaceIn(b, []rune(s), false)
	}
	return b
}

// JSON is Bytes for an answer that will be decoded: when b is valid JSON,
// only the insides of its string values are redacted, whole characters
// and escapes at a time, so that the answer still decodes the same way
// around the secret (a short secret cannot eat a key or a quote). Text
// that is not valid JSON gets Bytes.
func JSON(b []byte, secrets []string) []byte {
	if !json.Valid(b) {
		return Bytes(b, secrets)
	}
	var out []byte // nil until something changes
	last := 0
	for i := 0; i < len(b); i++ {
		if b[i] != '"' {
			continue
		}
		end := i + 1 // the closing quote
		for b[end] != '"' {
			if b[end] == '\\' {
				end++
			}
			end++
		}
		k := end + 1
		for k < len(b) && (b[k] == ' ' || b[k] == '\t' || b[k] == '\n' || b[k] == '\r') {
			k++
		}
		if k < len(b) && b[k] == ':' { // a key
			i = end
			continue
		}
		lit := b[i+1 : end]
		red := lit
		for _, s := range secrets {
			if s != "" && utf8.ValidString(s) {
				red = replaceIn(red, []rune(s), true)
			}
		}
		if len(red) != len(lit) || !bytes.Equal(red, lit) {
			if out == nil {
				out = make([]byte, 0, len(b))
			}
			out = append(out, b[last:i+1]...)
			out = append(out, red...)
			last = end
		}
		i = end
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// String is Bytes for a string.
func String(s string, secrets []string) string {
	if len(secrets) == 0 {
		return s
	}
	return string(Bytes([]byte(s), secrets))
}

// Contains reports whether s holds one of the secrets in any encoding.
func Contains(s string, secrets []string) bool {
	return String(s, secrets) != s
}

// replaceIn replaces the secret's encodings in b. In a JSON string
// literal (lit), matches start only where a character or an escape starts
// and a raw '\\' or '"' matches nothing, so what is left stays a valid
// literal.
func replaceIn(b []byte, secret []rune, lit bool) []byte {
	var out []byte // nil until the first match
	last := 0
	for i := 0; i < len(b); {
		end := match(b, i, secret, lit)
		if end < 0 {
			if lit && b[i] == '\\' { // past the whole escape
				if i+1 < len(b) && b[i+1] == 'u' {
					i += 6
				} else {
					i += 2
				}
				continue
			}
			i++
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(b))
		}
		out = append(out, b[last:i]...)
		out = append(out, Mark...)
		i, last = end, end
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// match returns the end of the longest encoding of secret that starts at
// b[i], or -1.
func match(b []byte, i int, secret []rune, lit bool) int {
	if !mayStart(b[i], secret[0]) {
		return -1
	}
	pos := []int{i}
	var next []int
	for _, r := range secret {
		next = next[:0]
		for _, p := range pos {
			for _, e := range encodings(b, p, r, lit) {
				if !contains(next, e) {
					next = append(next, e)
				}
			}
		}
		if len(next) == 0 {
			return -1
		}
		pos, next = next, pos
	}
	end := -1
	for _, p := range pos {
		end = max(end, p)
	}
	return end
}

func mayStart(c byte, r rune) bool {
	var enc [utf8.UTFMax]byte
	utf8.EncodeRune(enc[:], r)
	return c == enc[0] || c == '\\' || c == '%' || c == '&' || c == '+' && r == ' '
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// encodings returns the ends of every encoding of r that starts at b[p].
func encodings(b []byte, p int, r rune, lit bool) []int {
	var ends []int
	var enc [utf8.UTFMax]byte
	n := utf8.EncodeRune(enc[:], r)
	if lit && (r == '\\' || r == '"') {
		n = 0 // only its escapes below
	}
	// Raw or URL-escaped, byte by byte.
	q := p
	if n == 0 {
		q = -1
	}
	for k := 0; k < n && q >= 0; k++ {
		switch {
		case q < len(b) && b[q] == enc[k]:
			q++
		case q+2 < len(b) && b[q] == '%' && hexByte(b[q+1], b[q+2]) == int(enc[k]):
			q += 3
		default:
			q = -1
		}
	}
	if q >= 0 {
		ends = append(ends, q)
	}
	if r == ' ' && p < len(b) && b[p] == '+' {
		ends = append(ends, p+1)
	}
	if p < len(b) && b[p] == '\\' {
		if e := jsonEscape(b, p, r); e > 0 {
			ends = append(ends, e)
		}
	}
	if p < len(b) && b[p] == '&' {
		if e := htmlRef(b, p, r); e > 0 {
			ends = append(ends, e)
		}
	}
	return ends
}

var shortEscapes = map[byte]rune{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// jsonEscape returns the end of a JSON escape of r at b[p] ('\\'), or -1.
func jsonEscape(b []byte, p int, r rune) int {
	if p+1 >= len(b) {
		return -1
	}
	if c, ok := shortEscapes[b[p+1]]; ok {
		if c == r {
			return p + 2
		}
		return -1
	}
	u, ok := hex4(b, p)
	if !ok {
		return -1
	}
	if rune(u) == r {
		return p + 6
	}
	if r > 0xFFFF && u >= 0xD800 && u < 0xDC00 {
		lo, ok := hex4(b, p+6)
		if ok && lo >= 0xDC00 && lo < 0xE000 && rune(0x10000+(u-0xD800)<<10+(lo-0xDC00)) == r {
			return p + 12
		}
	}
	return -1
}

// hex4 reads \uXXXX at b[p].
func hex4(b []byte, p int) (int, bool) {
	if p+6 > len(b) || b[p] != '\\' || b[p+1] != 'u' {
		return 0, false
	}
	v := 0
	for _, c := range b[p+2 : p+6] {
		d := hexDigit(c)
		if d < 0 {
			return 0, false
		}
		v = v<<4 | d
	}
	return v, true
}

var htmlNames = map[string]rune{"amp": '&', "lt": '<', "gt": '>', "quot": '"', "apos": '\'', "nbsp": '\u00a0'}

// htmlRef returns the end of an HTML character reference to r at b[p]
// ('&'), or -1.
func htmlRef(b []byte, p int, r rune) int {
	semi := bytes.IndexByte(b[p:min(len(b), p+12)], ';')
	if semi < 2 {
		return -1
	}
	ref := string(b[p+1 : p+semi])
	var v rune = -1
	switch {
	case strings.HasPrefix(ref, "#x") || strings.HasPrefix(ref, "#X"):
		v = number(ref[2:], 16)
	case strings.HasPrefix(ref, "#"):
		v = number(ref[1:], 10)
	default:
		if c, ok := htmlNames[ref]; ok {
			v = c
		}
	}
	if v == r {
		return p + semi + 1
	}
	return -1
}

func number(s string, base int) rune {
	if s == "" || len(s) > 8 {
		return -1
	}
	var v rune
	for i := 0; i < len(s); i++ {
		d := hexDigit(s[i])
		if d < 0 || d >= base {
			return -1
		}
		v = v*rune(base) + rune(d)
	}
	return v
}

func hexByte(a, b byte) int {
	x, y := hexDigit(a), hexDigit(b)
	if x < 0 || y < 0 {
		return -1
	}
	return x<<4 | y
}

func hexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
