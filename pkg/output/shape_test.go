package output

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

type inst struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	PublicIP string            `json:"public_ip"`
	VCPUs    int               `json:"vcpus"`
	Memory   float64           `json:"memory_gib"`
	Created  string            `json:"created"`
	Tags     map[string]string `json:"tags"`
	Specs    []string          `json:"specs,omitempty"`
	Note     *string           `json:"note"`
}

var insts = []inst{
	{ID: "a1", Name: "web-1", PublicIP: "192.0.2.10", VCPUs: 2, Memory: 0.5, Created: "2026-12-01T10:00:00Z", Tags: map[string]string{"env": "prod"}, Specs: []string{"s1", "s2"}},
	{ID: "b2", Name: "db-1", VCPUs: 4, Memory: 8, Created: "2026-12-04T09:30:00+08:00"},
}

var now = func() time.Time { return time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC) }

func shaped(t *testing.T, o ShapeOptions, data any, tty bool) (string, error) {
	t.Helper()
	o.Now = now
	s, err := NewShape(o)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	err = s.Write(context.Background(), &buf, data, KeyNames(KeysOf(reflect.TypeOf(data))), tty)
	if err != nil && buf.Len() > 0 {
		t.Errorf("output written on an error: %q", buf.String())
	}
	return buf.String(), err
}

func TestShapes(t *testing.T) {
	tests := []struct {
		name string
		o    ShapeOptions
		data any
		want string
	}{
		{"jq strings as text", ShapeOptions{JQ: ".[].public_ip"}, insts, "192.0.2.10\n\n"},
		{"jq numbers exact", ShapeOptions{JQ: ".[] | .memory_gib"}, insts, "0.5\n8\n"},
		{"jq big numbers exact", ShapeOptions{JQ: ".n"}, map[string]uint64{"n": 18446744073709551615}, "18446744073709551615\n"},
		{"jq object indented, keys sorted", ShapeOptions{JQ: ".[0] | {name, id}"}, insts, "{\n  \"id\": \"a1\",\n  \"name\": \"web-1\"\n}\n"},
		{"jq array", ShapeOptions{JQ: "[.[].name]"}, insts, "[\n  \"web-1\",\n  \"db-1\"\n]\n"},
		{"jq null and bool", ShapeOptions{JQ: ".[0].note, (.[0].vcpus > 1)"}, insts, "null\ntrue\n"},
		{"jq select", ShapeOptions{JQ: `.[] | select(.tags.env == "prod") | .id`}, insts, "a1\n"},
		{"jq halt stops", ShapeOptions{JQ: ".[0].id, halt"}, insts, "a1\n"},
		{"jq env is empty", ShapeOptions{JQ: `$ENV | length, (env | length)`}, insts, "0\n0\n"},
		{"jq no output", ShapeOptions{JQ: "empty"}, insts, ""},
		{"template", ShapeOptions{Template: `{{range .}}{{.name}} {{.public_ip}}{{"\n"}}{{end}}`}, insts, "web-1 192.0.2.10\ndb-1 \n"},
		{"template numbers as written", ShapeOptions{Template: `{{range .}}{{.memory_gib}},{{end}}`}, insts, "0.5,8,"},
		{"template table", ShapeOptions{Template: `{{tablerow "NAME" "IP" "CREATED"}}{{range .}}{{tablerow .name .public_ip .created}}{{end}}`}, insts,
			"NAME   IP          CREATED\nweb-1  192.0.2.10  2026-12-01 10:00:00 UTC\ndb-1   -           2026-12-04 01:30:00 UTC\n"},
		{"template tablerender then text", ShapeOptions{Template: `{{range .}}{{tablerow .id .name}}{{end}}{{tablerender}}total {{len .}}`}, insts, "a1  web-1\nb2  db-1\ntotal 2"},
		{"template timeago", ShapeOptions{Template: `{{range .}}{{timeago .created}};{{end}}`}, insts, "3 days ago;10 hours ago;"},
		{"template timefmt", ShapeOptions{Template: `{{timefmt "2006-01-02 15:04" (index . 1).created}}`}, insts, "2026-12-04 01:30"},
		{"template pluck join", ShapeOptions{Template: `{{join ", " (pluck "name" .)}}`}, insts, "web-1, db-1"},
		{"template json", ShapeOptions{Template: `{{json (index . 0).tags}} {{json (index . 0).specs}}`}, insts, `{"env":"prod"} ["s1","s2"]`},
		{"template truncate", ShapeOptions{Template: `{{truncate 4 "abcdefg"}}|{{truncate 10 "abc"}}`}, insts, "a...|abc"},
		{"columns", ShapeOptions{Columns: "name,public_ip,created"}, insts, "NAME   PUBLIC IP   CREATED\nweb-1  192.0.2.10  2026-12-01 10:00:00 UTC\ndb-1   -           2026-12-04 01:30:00 UTC\n"},
		{"columns lists and records", ShapeOptions{Columns: " id , specs,tags, note,vcpus"}, insts, "ID  SPECS  TAGS            NOTE  VCPUS\na1  s1,s2  {\"env\":\"prod\"}  -     2\nb2  -      -               -     4\n"},
		{"columns one record", ShapeOptions{Columns: "name"}, insts[0], "NAME\nweb-1\n"},
		{"columns empty list", ShapeOptions{Columns: "name"}, []inst{}, "NAME\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := shaped(t, tt.o, tt.data, false)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// Errors that need no result are found when the shape is built (the
// command then exits 2 before sending anything); the others on the result.
func TestShapeErrors(t *testing.T) {
	usage := []struct {
		o    ShapeOptions
		want string
	}{
		{ShapeOptions{JQ: ".[", Columns: "a"}, "exclude each other"},
		{ShapeOptions{JQ: ".x", Template: "{{.}}"}, "exclude each other"},
		{ShapeOptions{JQ: ".["}, `--jq ".[": unexpected EOF`},
		{ShapeOptions{JQ: "nosuchfn(1)"}, "function not defined: nosuchfn/1"},
		{ShapeOptions{JQ: "$undefined"}, "variable not defined: $undefined"},
		{ShapeOptions{JQ: `include "/etc/passwd"; .`}, "cannot load module"}, // no file is read
		{ShapeOptions{JQ: `import "x" as x; .`}, "cannot load module"},
		{ShapeOptions{JQ: "input"}, "not allowed"},
		{ShapeOptions{JQ: ". | debug"}, "function not defined: debug/0"},
		{ShapeOptions{Template: "{{.name"}, "--template, line 1: unclosed action"},
		{ShapeOptions{Template: "{{nosuch .}}"}, `function "nosuch" not defined`},
		{ShapeOptions{Columns: "a,,b"}, "an empty column name"},
		{ShapeOptions{Columns: "a,b,a"}, "a is named twice"},
	}
	for _, tt := range usage {
		_, err := NewShape(tt.o)
		var ue *UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want a usage error with %q", tt.o, err, tt.want)
		}
	}

	s, _ := NewShape(ShapeOptions{Columns: "name,nme,ip"})
	err := s.CheckColumns([]string{"id", "name", "public_ip"})
	if err == nil || err.Error() != "--columns: nme, ip are not keys of this result; the keys are id, name, public_ip" {
		t.Errorf("unknown columns: %v", err)
	}
	if err := s.CheckColumns(nil); err != nil {
		t.Errorf("no declared keys: %v", err)
	}

	runtime := []struct {
		o    ShapeOptions
		data any
		want string
	}{
		{ShapeOptions{JQ: ".name"}, insts, "--jq: expected an object but got: array"},
		{ShapeOptions{JQ: `.[0].id, error("stop")`}, insts, "--jq: error: stop"},
		{ShapeOptions{JQ: `"x" | halt_error`}, insts, "--jq: halt error: x"},
		{ShapeOptions{Template: "{{range .name}}{{end}}"}, insts[0], "--template, line 1:8: executing"},
		{ShapeOptions{Template: `{{join "," .name}}`}, insts[0], "join: a string is not a list"},
		{ShapeOptions{Columns: "name,ip"}, insts, "--columns: ip is not a key of this result; the keys are id, name, public_ip, vcpus, memory_gib, created, tags, specs, note"},
		{ShapeOptions{Columns: "name"}, []string{"a"}, "--columns: the result is a list of a string, not of records"},
		{ShapeOptions{Columns: "name"}, "text", "--columns: the result is a string, not a table"},
	}
	for _, tt := range runtime {
		_, err := shaped(t, tt.o, tt.data, false)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.o, err, tt.want)
		}
	}
}

// A shape runs on the data -o json prints and nothing else; a template's
// text, like a table's, cannot rewrite a terminal; --jq's values stay
// exact, but for a string printed raw to a terminal.
func TestShapeEscaping(t *testing.T) {
	hostile := "web\x1b[2J\r\nOK\u009b31m\u202e"
	data := []map[string]string{{"name": hostile, "key\x1b]0;t\x07": "v"}}
	tests := []struct {
		o    ShapeOptions
		tty  bool
		want string
	}{
		{ShapeOptions{JQ: ".[0].name"}, false, hostile + "\n"},
		{ShapeOptions{JQ: ".[0].name"}, true, "web^[[2J^M\nOK^[[31m\\u202e\n"},
		{ShapeOptions{JQ: ".[0] | {name}"}, true, "{\n  \"name\": \"web\\u001b[2J\\r\\nOK\u009b31m\u202e\"\n}\n"},
		{ShapeOptions{Template: `{{range .}}{{.name}}{{"\n"}}{{end}}`}, false, "web^[[2J^M\\nOK^[[31m\\u202e\n"},
		{ShapeOptions{Template: `{{range .}}{{range $k, $v := .}}{{$k}};{{end}}{{end}}`}, false, "key^[]0;t^G;name;"},
		{ShapeOptions{Template: `{{range .}}{{tablerow .name}}{{end}}`}, true, "web^[[2J^M\\nOK^[[31m\\u202e\n"},
		{ShapeOptions{Columns: "name"}, false, "NAME\nweb^[[2J^M\\nOK^[[31m\\u202e\n"},
	}
	for _, tt := range tests {
		got, err := shaped(t, tt.o, data, tt.tty)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%+v tty=%v:\n got %q\nwant %q", tt.o, tt.tty, got, tt.want)
		}
	}
}

type embedded struct {
	A string `json:"a"`
	B string `json:"b,omitempty"`
}

type outer struct {
	embedded
	C     string `json:"c"`
	B     string `json:"b"` // shadows embedded.b
	Skip  string `json:"-"`
	priv  string
	Plain int
	Ptr   *embedded `json:"ptr,omitempty"`
}

func TestKeysOf(t *testing.T) {
	_ = outer{}.priv
	got := KeysOf(reflect.TypeOf([]*outer{}))
	want := []Key{{"a", false}, {"c", false}, {"b", false}, {"Plain", false}, {"ptr", true}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("KeysOf = %+v, want %+v", got, want)
	}
	if k := KeysOf(reflect.TypeOf(map[string]string{})); k != nil {
		t.Errorf("a map has keys %v", k)
	}
	if k := KeysOf(nil); k != nil {
		t.Errorf("nil has keys %v", k)
	}
}

func TestTimeAgo(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Second:     "less than a minute ago",
		-10 * time.Second:    "in less than a minute",
		time.Minute:          "1 minute ago",
		59 * time.Minute:     "59 minutes ago",
		47 * time.Hour:       "47 hours ago",
		-3 * 24 * time.Hour:  "in 3 days",
		90 * 24 * time.Hour:  "3 months ago",
		800 * 24 * time.Hour: "2 years ago",
	} {
		if got := timeAgo(d); got != want {
			t.Errorf("timeAgo(%s) = %q, want %q", d, got, want)
		}
	}
}
