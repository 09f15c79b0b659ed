package output

import (
	"bytes"
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
}
