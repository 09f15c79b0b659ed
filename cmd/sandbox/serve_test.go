package sandboxcmd

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/sandbox"
)

// The export line is what a shell evaluates (README: eval "$(head -1
// sandbox.env)"): every value arrives as it was given, and nothing in it
// runs.
func TestExportLineIsShellQuoted(t *testing.T) {
	if got := ExportLine("http://127.0.0.1:8089", "sandbox"); got != "export FLEXUSL_ENDPOINT=http://127.0.0.1:8089 FLEXUSL_BSS_ENDPOINT=http://127.0.0.1:8089 "+
		"FLEXUSL_IAM_ENDPOINT=http://127.0.0.1:8089 FLEXUSL_RMS_ENDPOINT=http://127.0.0.1:8089 FLEXUSL_ECS_ENDPOINT=http://127.0.0.1:8089 FLEXUSL_VPC_ENDPOINT=http://127.0.0.1:8089 FLEXUSL_TOKEN=sandbox" {
		t.Errorf("plain values changed: %s", got)
	}
	if runtime.GOOS == "windows" {
		t.Skip("needs a POSIX shell")
	}
	dir := t.TempDir()
	pwned := filepath.Join(dir, "pwned")
	for _, tt := range []struct{ url, token string }{
		{"http://[::1]:8089", "sandbox"},
		{"http://127.0.0.1:8089", "it's a $(touch " + pwned + ") `touch " + pwned + "` token; touch " + pwned},
		{"http://127.0.0.1:8089", "a b\tc*?[x]~ 'q' \"d\" \\e !x &|<>#"},
		{"http://h:1/$(touch " + pwned + ")", "''"},
	} {
		line := ExportLine(tt.url, tt.token)
		out, err := exec.Command("sh", "-c", line+`; printf '%s\n%s\n%s' "$FLEXUSL_ENDPOINT" "$FLEXUSL_ECS_ENDPOINT" "$FLEXUSL_TOKEN"`).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v %s", line, err, out)
		}
		if want := tt.url + "\n" + tt.url + "\n" + tt.token; string(out) != want {
			t.Errorf("%s:\ngot  %q\nwant %q", line, out, want)
		}
		if _, err := os.Stat(pwned); err == nil {
			t.Fatalf("%s ran a command", line)
		}
	}
}

func TestShellWord(t *testing.T) {
	for in, want := range map[string]string{"sandbox": "sandbox", "": "''", "a b": "'a b'", "it's": `'it'\''s'`, "x=1,y@2%3+4:5/6.7_8-9": "x=1,y@2%3+4:5/6.7_8-9",
		"é": "'é'", "[::1]": "'[::1]'", "~": "'~'"} {
		if got := shellWord(in); got != want {
			t.Errorf("%q: %s, want %s", in, got, want)
		}
	}
	for _, v := range []string{"", "a\nb", "a\x1bb", "a\x7f", "a\u0085"} {
		if err := checkCredential("--token", v); err == nil || strings.Contains(err.Error(), v+"\"") {
			t.Errorf("%q: %v", v, err)
		}
	}
	if err := checkCredential("--token", "it's fine"); err != nil {
		t.Error(err)
	}
}

// `flexusl sandbox --help` lists exactly the routes of the sandbox's
// router (the API's, each with the route name faults take, and the control
// API's), in its order: the lists are generated from the router's tables,
// so they cannot drift from what is served.
func TestHelpListsExactlyTheRoutersRoutes(t *testing.T) {
	cmd := NewCmdSandbox(&cmdutil.Factory{}, nil)
	var out bytes.Buffer
	cmd.SetOut(&out)
	if err := cmd.Help(); err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`^  ([A-Z]+) +([A-Z]+) +(/\S*)  \[([a-z.-]+)\]$`)
	var got []sandbox.Route
	lines := strings.Split(out.String(), "\n")
	for i, l := range lines {
		if m := line.FindStringSubmatch(l); m != nil && i+1 < len(lines) {
			got = append(got, sandbox.Route{Service: m[1], Method: m[2], Path: m[3], Name: m[4], Help: strings.TrimSpace(lines[i+1])})
		}
	}
	if want := sandbox.APIRoutes(); !reflect.DeepEqual(got, want) {
		t.Errorf("help lists\n%v\nthe router serves\n%v", got, want)
	}
	control := regexp.MustCompile(`^  ([A-Z]+) +(/_sandbox/\S*)$`)
	var gotControl []sandbox.Route
	for i, l := range lines {
		if m := control.FindStringSubmatch(l); m != nil && i+1 < len(lines) {
			gotControl = append(gotControl, sandbox.Route{Method: m[1], Path: m[2], Help: strings.TrimSpace(lines[i+1])})
		}
	}
	if want := sandbox.ControlRoutes(); !reflect.DeepEqual(gotControl, want) {
		t.Errorf("help lists the control API\n%v\nthe router serves\n%v", gotControl, want)
	}
	names := map[string]bool{}
	for _, r := range got {
		names[r.Name] = true
	}
	for _, n := range sandbox.Routes() { // every route a fault can be queued for
		if !names[n] {
			t.Errorf("route name %s not in --help", n)
		}
	}
}

// README's table of the sandbox's routes names exactly the routes the
// router serves (methods and paths; parameters may be named differently).
func TestREADMEListsTheRoutersRoutes(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(b), "### The sandbox: `flexusl sandbox`")
	section, _, _ = strings.Cut(section, "\n### ")
	span := regexp.MustCompile("((?:`[A-Z]+`/)*)`([A-Z]+) (/[^`?]*)(?:\\?[^`]*)?`")
	param := regexp.MustCompile(`\{[^}/]+\}`)
	key := func(method, path string) string { return method + " " + param.ReplaceAllString(path, "{}") }
	got := map[string]bool{}
	for _, l := range strings.Split(section, "\n") {
		if !regexp.MustCompile(`^\| (HCSS|BSS|RMS|ECS|VPC|IAM) \|`).MatchString(l) {
			continue
		}
		for _, m := range span.FindAllStringSubmatch(strings.Split(l, " | ")[1], -1) {
			for _, pre := range strings.Split(strings.Trim(m[1], "`/"), "`/`") {
				if pre != "" {
					got[key(pre, m[3])] = true
				}
			}
			got[key(m[2], m[3])] = true
		}
	}
	want := map[string]bool{}
	for _, r := range sandbox.APIRoutes() {
		want[key(r.Method, r.Path)] = true
	}
	if !reflect.DeepEqual(got, want) {
		for k := range want {
			if !got[k] {
				t.Errorf("README's sandbox table lacks %s", k)
			}
		}
		for k := range got {
			if !want[k] {
				t.Errorf("README's sandbox table lists %s, which the router does not serve", k)
			}
		}
	}
}
