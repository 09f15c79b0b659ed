package redact

import (
	"strings"
	"testing"
)

func TestBytesEveryEncoding(t *testing.T) {
	const pw = `Ab/c!d e"f\g<h+é😀`
	for _, tc := range []struct{ name, in string }{
		{"raw", `x ` + pw + ` y`},
		{"json short escapes", `x Ab\/c!d e\"f\\g<h+é😀 y`},
		{"json \\u every char", `x \u0041\u0062\u002F\u0063\u0021\u0064\u0020\u0065\u0022\u0066\u005c\u0067\u003c\u0068\u002b\u00e9\ud83d\ude00 y`},
		{"json \\u mixed case", `x Ab\u002fc\u0021d e\u0022f\\g\u003Ch+\u00E9\uD83D\uDE00 y`},
		{"url escapes", `x Ab%2Fc%21d+e%22f%5Cg%3Ch%2B%C3%A9%F0%9F%98%80 y`},
		{"url lower and %20", `x Ab%2fc%21d%20e%22f%5cg%3ch%2b%c3%a9%f0%9f%98%80 y`},
		{"html refs", `x Ab&#47;c&#x21;d e&quot;f\g&lt;h+&#233;&#x1F600; y`},
		{"mixed", `x A\u0062%2F` + `c!d+e\"f%5Cg&lt;h\u002b%C3%A9\ud83d\ude00 y`},
	} {
		got := String(tc.in, []string{pw})
		if got != "x REDACTED y" {
			t.Errorf("%s: %q -> %q", tc.name, tc.in, got)
		}
	}
}

func TestBytesLeavesOtherTextAlone(t *testing.T) {
	for _, in := range []string{"", "Ab/c!d", `\u0041\u0062\u002`, "%", "&#;", `\`, "Ab%2", strings.Repeat(`\u00`, 100)} {
		if got := String(in, []string{"Ab/c!de"}); got != in {
			t.Errorf("%q -> %q", in, got)
		}
	}
	if got := String("a pw pw b", []string{"pw", ""}); got != "a REDACTED REDACTED b" {
		t.Errorf("got %q", got)
	}
	if !Contains(`p\u0077`, []string{"pw"}) || Contains("p w", []string{"pw"}) {
		t.Error("Contains")
	}
}

func BenchmarkBytesLargeAnswer(b *testing.B) {
	body := []byte(strings.Repeat(`{"id":"72a270de-665a-4f46","name":"x\u0041%41&amp;"},`, 1<<17)) // ~7 MiB
	b.SetBytes(int64(len(body)))
	for i := 0; i < b.N; i++ {
		Bytes(body, []string{"Xk7-pq9.Lm2!"})
	}
}

// An answer that will be decoded keeps its shape: keys, quotes and
// escapes around a secret survive, even for a secret that is short or
// looks like JSON.
func TestJSONKeepsTheAnswerDecodable(t *testing.T) {
	for _, tc := range []struct{ in, secret, want string }{
		{`{"token":{"expires_at":"2025-01-26T10:51:12Z"},"p":"p"}`, "p", `{"token":{"expires_at":"2025-01-26T10:51:12Z"},"p":"REDACTED"}`},
		{`{"a":"x\u0041bc\"","b":"\u0030041"}`, "0041", `{"a":"x\u0041bc\"","b":"REDACTED"}`},
		{`{"a":"Xk7\/pq9\u0021"}`, "Xk7/pq9!", `{"a":"REDACTED"}`},
		{`{"a":"q\"q"}`, `q"`, `{"a":"REDACTEDq"}`},
		{`{"a":"q\\nq"}`, `\n`, `{"a":"qREDACTEDq"}`},
		{`not json pw`, "pw", `not json REDACTED`},
	} {
		got := string(JSON([]byte(tc.in), []string{tc.secret}))
		if got != tc.want {
			t.Errorf("%s in %s: got %s, want %s", tc.secret, tc.in, got, tc.want)
		}
	}
}
