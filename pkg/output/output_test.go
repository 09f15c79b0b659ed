package output

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
	"go.yaml.in/yaml/v3"
)

type row struct {
	Name    string   `json:"name"`
	Version string   `json:"version"`
	Specs   []string `json:"specs"`
	Memory  float64  `json:"memory_gib"`
	Note    string   `json:"note,omitempty"`
}

func TestFormats(t *testing.T) {
	data := []row{{"WordPress", "6.4", []string{"a<b"}, 0.5, ""}}
	tbl := func() ([]string, [][]string) { return []string{"NAME", "VERSION"}, [][]string{{"WordPress", "6.4"}} }
	tests := map[Format]string{
		JSON:  "[\n  {\n    \"name\": \"WordPress\",\n    \"version\": \"6.4\",\n    \"specs\": [\n      \"a<b\"\n    ],\n    \"memory_gib\": 0.5\n  }\n]\n",
		YAML:  "- name: WordPress\n  version: \"6.4\"\n  specs:\n    - a<b\n  memory_gib: 0.5\n",
		Table: "NAME       VERSION\nWordPress  6.4\n",
	}
	for f, want := range tests {
		var buf bytes.Buffer
		if err := Print(&buf, f, data, tbl); err != nil {
			t.Fatal(err)
		}
		if buf.String() != want {
			t.Errorf("%s:\n got %q\nwant %q", f, buf.String(), want)
		}
	}
}

func TestYAMLKeepsStringsStrings(t *testing.T) {
	var buf bytes.Buffer
	in := map[string]string{"version": "8.0", "flag": "true", "num": "0123", "empty": "", "null": "null"}
	if err := WriteYAML(&buf, in); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := yaml.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	for k, v := range in {
		if back[k] != v {
			t.Errorf("%s: %q read back as %#v\n%s", k, v, back[k], buf.String())
		}
	}
}

func TestTableHasNoTrailingBlanks(t *testing.T) {
	var buf bytes.Buffer
	WriteTable(&buf, []string{"A", "LONG HEADER"}, [][]string{{"x", ""}, {"yyyy", "z"}})
	for _, l := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
		if strings.HasSuffix(l, " ") {
			t.Errorf("trailing blank in %q", l)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range Formats {
		if _, err := ParseFormat(s); err != nil {
			t.Error(err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("xml accepted")
	}
	// People type -o JSON and -o yml as gh and kubectl take them.
	for in, want := range map[string]Format{"JSON": JSON, "Json": JSON, "yml": YAML, "YML": YAML, "Table": Table, "YAML": YAML} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// A server's text in a table cannot rewrite the screen or add lines; the
// same text in JSON and YAML stays exact.
func TestTableEscapesControlCharactersJSONKeepsThem(t *testing.T) {
	hostile := "CS1\x1b[2J\x1b[1;1H\rORDER OK\n\u009b31m\x07\x7f\ufeff"
	data := []map[string]string{{"order_id": hostile}}
	tbl := func() ([]string, [][]string) { return []string{"ORDER ID"}, [][]string{{hostile}} }
	var buf bytes.Buffer
	if err := Print(&buf, Table, data, tbl); err != nil {
		t.Fatal(err)
	}
	want := "ORDER ID\nCS1^[[2J^[[1;1H^MORDER OK\\n^[[31m^G^?\ufeff\n"
	if buf.String() != want {
		t.Errorf("table:\n%q\nwant\n%q", buf.String(), want)
	}
	buf.Reset()
	if err := Print(&buf, JSON, data, tbl); err != nil {
		t.Fatal(err)
	}
	var back []map[string]string
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || back[0]["order_id"] != hostile {
		t.Errorf("JSON changed the value: %q %v", buf.String(), err)
	}
	buf.Reset()
	if err := Print(&buf, YAML, data, tbl); err != nil {
		t.Fatal(err)
	}
	var ys []map[string]string
	if err := yaml.Unmarshal(buf.Bytes(), &ys); err != nil || ys[0]["order_id"] != hostile {
		t.Errorf("YAML changed the value: %q %v", buf.String(), err)
	}
}

// A table on a terminal fits its width: the widest columns that are not
// IDs are cut (with …), then columns left out from the right and named;
// IDs and headers are never cut; 0 (a pipe) changes nothing.
func TestFit(t *testing.T) {
	h := []string{"ID", "NAME", "REGION", "STATUS", "SPEC", "PUBLIC IP", "EXPIRES", "CREATED"}
	rows := [][]string{{"6743d0e3708be6007b8c8012", "a-rather-long-instance-name-for-the-shop", "ap-southeast-3", "RUNNING", "hf.large.1.30m.linux",
		"203.0.113.7", "2026-12-20 15:59:59 UTC", "2026-11-20 10:00:00 UTC"}}
	if gh, got, hidden := Fit(h, rows, 0); !reflect.DeepEqual(got, rows) || !reflect.DeepEqual(gh, h) || hidden != nil {
		t.Errorf("no width: %v %v", got, hidden)
	}
	gh, got, hidden := Fit(h, rows, 80)
	var buf bytes.Buffer
	if err := WriteTable(&buf, gh, got); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if w := runewidth.StringWidth(l); w > 80 {
			t.Errorf("%d columns: %q", w, l)
		}
	}
	if !strings.Contains(buf.String(), "6743d0e3708be6007b8c8012") || !strings.Contains(buf.String(), "…") || len(hidden) == 0 || hidden[len(hidden)-1] != "CREATED" {
		t.Errorf("%s\nhidden %v", buf.String(), hidden)
	}
	// Wide enough: nothing cut.
	if _, got, hidden := Fit(h, rows, 400); !reflect.DeepEqual(got, rows) || len(hidden) != 0 {
		t.Errorf("wide terminal: %v", got)
	}
	// Only IDs: nothing to cut; the first column is always kept.
	ids := [][]string{{strings.Repeat("a", 60), strings.Repeat("b", 60)}}
	if gh, got, hidden := Fit([]string{"ORDER ID", "INSTANCE IDS"}, ids, 80); got[0][0] != ids[0][0] || len(gh) != 1 || hidden[0] != "INSTANCE IDS" {
		t.Errorf("ids: %v %v", got, hidden)
	}
}

// WriteJSON prints exactly what an Encoder with SetIndent("", "  ") and
// SetEscapeHTML(false) prints: empty and nested values, HTML characters,
// control characters, non-ASCII text and numbers.
func TestWriteJSONAsEncoderIndents(t *testing.T) {
	type row struct {
		ID    string         `json:"id"`
		Tags  map[string]any `json:"tags"`
		List  []int          `json:"list"`
		Empty []string       `json:"empty"`
		None  *int           `json:"none"`
		Price float64        `json:"price"`
	}
	for _, v := range []any{
		nil, 0, "", `<a href="x">&amp;</a>`, []any{}, map[string]any{}, []row{},
		[]row{{ID: "名前 \u2028 \x01 é", Tags: map[string]any{"b": []any{1, "two", nil, map[string]any{}}, "a": true}, List: []int{1, 2}, Empty: []string{}, Price: 12.5}},
		map[string]any{"deep": []any{[]any{[]any{map[string]any{"x": 1e21}}}}, "html": "<>&"},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := WriteJSON(&got, v); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("WriteJSON(%#v):\n%q\nwant\n%q", v, got.String(), want.String())
		}
	}
	if err := WriteJSON(io.Discard, func() {}); err == nil {
		t.Error("a value JSON cannot hold was written")
	}
}
