package output

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

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
