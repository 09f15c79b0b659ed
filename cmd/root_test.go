package cmd

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/ui"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

var update = flag.Bool("update", false, "rewrite golden files")

type result struct {
	out, err string
	code     int
}

// run runs the command tree in-process with test streams and only the
// environment given (plus a config path in a temp dir).
func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	e := map[string]string{"FLEXUSL_CONFIG": filepath.Join(t.TempDir(), "config.yaml")}
	for k, v := range env {
		e[k] = v
	}
	io, _, out, errOut := ui.Test()
	f := &cmdutil.Factory{IO: io, Getenv: func(k string) string { return e[k] }}
	code := Run(context.Background(), f, args)
	return result{out.String(), errOut.String(), code}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden file (go test ./cmd -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestGoldenOutputs(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"specs-list.txt", []string{"specs", "list"}},
		{"specs-list-gitlab.json", []string{"specs", "list", "--image", "GitLab", "--image-version", "16.9.3", "-o", "json"}},
		{"specs-list-private-windows.yaml", []string{"specs", "list", "--private", "windows", "-o", "yaml"}},
		{"images-list-os-riyadh.txt", []string{"images", "list", "--type", "os", "--region", "me-east-1"}},
		{"images-list-application.json", []string{"images", "list", "--type", "application", "-o", "json"}},
		{"regions-list.txt", []string{"regions", "list"}},
		{"regions-list.json", []string{"regions", "list", "-o", "json"}},
		{"help-root.txt", []string{"--help"}},
		{"help-specs-list.txt", []string{"specs", "list", "--help"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, nil, tt.args...)
			if r.code != 0 || r.err != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.err)
			}
			golden(t, tt.name, r.out)
		})
	}
}

func TestExitCodesAndErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		err  string
	}{
		{"unknown flag", nil, []string{"specs", "list", "--foo"}, 2, "unknown flag: --foo"},
		{"unknown command", nil, []string{"bogus"}, 2, `unknown command "bogus"`},
		{"unknown subcommand", nil, []string{"specs", "lst"}, 2, "did you mean `flexusl specs list`?"},
		{"bad output", nil, []string{"regions", "list", "-o", "xml"}, 2, "--output (from flag)"},
		{"bad output env", map[string]string{"FLEXUSL_OUTPUT": "csv"}, []string{"regions", "list"}, 2, "FLEXUSL_OUTPUT (from env)"},
		{"bad region", nil, []string{"images", "list", "--region", "ap-southeast-9"}, 2, "--region (region) \"ap-southeast-9\": is not a FlexusL region"},
		// One rule for --region, checked before any command runs (these
		// once listed nothing, or looked for the instance, in "xx-bogus-9").
		{"bad region traffic", nil, []string{"instance", "traffic", "--region", "xx-bogus-9"}, 2, `--region (region) "xx-bogus-9": is not a FlexusL region; allowed: `},
		{"bad region renew", nil, []string{"instance", "renew", "web-1", "--period", "1", "--region", "xx-bogus-9"}, 2, `--region (region) "xx-bogus-9": is not a FlexusL region`},
		{"bad region order", nil, []string{"order", "show", "CS2112011234ABCDE", "--region", "xx-bogus-9"}, 2, "is not a FlexusL region"},
		{"bad region env", map[string]string{"FLEXUSL_REGION": "xx-bogus-9"}, []string{"firewall", "list"}, 2, `FLEXUSL_REGION (region) "xx-bogus-9": is not a FlexusL region`},
		{"bad type", nil, []string{"images", "list", "--type", "apps"}, 2, "did you mean application?"},
		{"bad image", nil, []string{"specs", "list", "--image", "wordpres"}, 2, "did you mean WordPress?"},
		{"extra args", nil, []string{"regions", "list", "x"}, 2, "takes no arguments"},
		{"http endpoint", map[string]string{"FLEXUSL_ENDPOINT": "http://example.com"}, []string{"regions", "list"}, 2, "plain http"},
		{"missing catalog file", nil, []string{"regions", "list", "--catalog", "/nonexistent.json"}, 2, "catalog file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.env, tt.args...)
			if r.code != tt.code || !strings.Contains(r.err, tt.err) || r.out != "" {
				t.Errorf("exit %d stderr %q stdout %q; want exit %d and %q", r.code, r.err, r.out, tt.code, tt.err)
			}
			if !strings.HasPrefix(r.err, "Error: ") {
				t.Errorf("stderr does not start with Error: %q", r.err)
			}
		})
	}
}

// Every command teaches by example.
func TestEveryCommandHasExamples(t *testing.T) {
	io, _, _, _ := ui.Test()
	root := NewRootCmd(&cmdutil.Factory{IO: io, Getenv: func(string) string { return "" }})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.Hidden && c.Name() != "completion" && c.Parent() != nil && c.Parent().Name() != "completion" && c.Name() != "help" && c.Example == "" {
			t.Errorf("%s has no Example", c.CommandPath())
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}

func TestHelpTopics(t *testing.T) {
	r := run(t, nil, "help", "exit-codes")
	if r.code != 0 || !strings.Contains(r.out, "130  interrupted") || !strings.Contains(r.out, "2    invalid input") || !strings.Contains(r.out, "6    apply --dry-run: changes are pending") {
		t.Errorf("%+v", r)
	}
	r = run(t, nil, "help", "config")
	for _, want := range []string{"flag > environment > profile > default", "secret_key", "$HUAWEICLOUD_SDK_SK", "max_retries", "default 3"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("help config lacks %q", want)
		}
	}
	r = run(t, nil, "help", "formatting")
	for _, want := range []string{"--jq EXPR", "tablerow CELL...", "--columns a,b,c", "exits 2 with nothing sent"} {
		if r.code != 0 || !strings.Contains(r.out, want) {
			t.Errorf("help formatting lacks %q (exit %d)", want, r.code)
		}
	}
	r = run(t, nil, "--help")
	if !strings.Contains(r.out, "Additional help topics:\n  flexusl exit-codes") || !strings.Contains(r.out, "\n  flexusl formatting ") {
		t.Errorf("help topics not listed:\n%s", r.out)
	}
}

// pflag reads `back-quoted` words in a flag's usage as its value name; no
// usage may contain them by accident.
func TestNoBackquotesInFlagUsage(t *testing.T) {
	io, _, _, _ := ui.Test()
	root := NewRootCmd(&cmdutil.Factory{IO: io, Getenv: func(string) string { return "" }})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			if strings.Contains(fl.Usage, "`") {
				t.Errorf("%s --%s: usage has a backquote: %q", c.CommandPath(), fl.Name, fl.Usage)
			}
		})
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}

// One suggestion style for every typo: commands at any level, verbs people
// type first, and flags.
func TestTypoSuggestions(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"order", "lsit"}, "unknown command \"lsit\" for \"flexusl order\"; did you mean `flexusl order list`?; see: flexusl order --help"},
		{[]string{"ordr", "list"}, "unknown command \"ordr\" for \"flexusl\"; did you mean `flexusl order`?; see: flexusl --help"},
		{[]string{"specs", "lst"}, "did you mean `flexusl specs list`?"},
		{[]string{"buy"}, "unknown command \"buy\" for \"flexusl\"; did you mean `flexusl instance buy`?"},
		{[]string{"login"}, "did you mean `flexusl auth login`?"},
		{[]string{"logout"}, "did you mean `flexusl auth logout`?"},
		{[]string{"purchase"}, "did you mean `flexusl instance buy`?"},
		{[]string{"whoami"}, "did you mean `flexusl auth status`?"},
		{[]string{"wait"}, "did you mean `flexusl job wait` or `flexusl order wait`?"},
		// Verbs other CLIs use, declared as the SuggestFor of the command
		// that does it (gh, hcloud: create, get/describe, rm).
		{[]string{"instance", "create"}, "unknown command \"create\" for \"flexusl instance\"; did you mean `flexusl instance buy`?"},
		{[]string{"instance", "get"}, "did you mean `flexusl instance show`?"},
		{[]string{"instance", "describe"}, "did you mean `flexusl instance show`?"},
		{[]string{"instance", "rm"}, "did you mean `flexusl instance delete`?"},
		{[]string{"create"}, "did you mean `flexusl instance buy`?"},
		{[]string{"catalog"}, "did you mean `flexusl specs list`?"},
		{[]string{"signin"}, "did you mean `flexusl auth login`?"},
		// Values of --status are checked and suggested wherever it is taken.
		{[]string{"instance", "list", "--status", "runing"}, `--status "runing": is not an instance status; allowed: creating, running,`},
		{[]string{"instance", "list", "--status", "runing"}, "did you mean running?"},
		{[]string{"order", "list", "--remote", "--status", "pendingpayment"}, "did you mean pending-payment?"},
		{[]string{"order", "list", "--remote", "--type", "renwal"}, "did you mean renewal?"},
		{[]string{"instance", "buy", "--nmae", "x"}, "unknown flag: --nmae; did you mean --name?; see: flexusl instance buy --help"},
		{[]string{"instance", "buy", "-name", "x"}, "unknown shorthand flag: 'n' in -name; did you mean --name?"},
		{[]string{"specs", "list", "--regoin", "x"}, "unknown flag: --regoin; did you mean --region?"},
		{[]string{"--versoin"}, "unknown flag: --versoin; did you mean --version?"},
	}
	for _, tt := range tests {
		r := run(t, nil, tt.args...)
		if r.code != 2 || !strings.Contains(r.err, tt.want) || r.out != "" {
			t.Errorf("flexusl %s: exit %d, stderr %q; want exit 2 and %q", strings.Join(tt.args, " "), r.code, r.err, tt.want)
		}
	}
	// Nothing close: no suggestion, still the pointer to help.
	r := run(t, nil, "zzzzzz")
	if r.code != 2 || r.err != "Error: unknown command \"zzzzzz\" for \"flexusl\"; see: flexusl --help\n" {
		t.Errorf("%+v", r)
	}
}

// --version and -v print what `flexusl version` prints.
func TestVersionFlagInProcess(t *testing.T) {
	// For people one line, as gh prints it.
	if r := run(t, nil, "--version"); r.code != 0 || strings.Count(r.out, "\n") != 1 || !strings.HasPrefix(r.out, "flexusl version ") || !strings.Contains(r.out, "(commit ") {
		t.Errorf("--version: %+v", r)
	}
	for _, format := range []string{"table", "json"} {
		want := run(t, nil, "version", "-o", format)
		for _, flag := range []string{"--version", "-v"} {
			if got := run(t, nil, flag, "-o", format); got != want {
				t.Errorf("%s -o %s: %+v, want %+v", flag, format, got, want)
			}
		}
	}
}

// completion bash --help says what bash needs and installs for one user.
func TestBashCompletionHelp(t *testing.T) {
	r := run(t, nil, "completion", "bash", "--help")
	for _, want := range []string{"needs the bash-completion package", "_get_comp_words_by_ref: command not found", "brew install bash-completion@2",
		"mkdir -p ~/.local/share/bash-completion/completions\n\tflexusl completion bash > ~/.local/share/bash-completion/completions/flexusl"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("completion bash --help lacks %q:\n%s", want, r.out)
		}
	}
	r = run(t, nil, "completion", "bash")
	if r.code != 0 || !strings.HasPrefix(r.out, "# bash completion V2 for flexusl") {
		t.Errorf("completion bash: exit %d, %.60q", r.code, r.out)
	}
}

// Top-level commands are built only when a run names them; their stand-ins
// must show exactly what the built commands would (root help, completing
// command names).
func TestTopCommandStandIns(t *testing.T) {
	io, _, _, _ := ui.Test()
	f := &cmdutil.Factory{IO: io, Getenv: func(string) string { return "" }}
	full := NewRootCmd(f)
	for _, tc := range topCommands {
		c := tc.build(f)
		if c.Name() != tc.name || c.Short != tc.short || c.Hidden || len(c.Aliases) > 0 || !c.IsAvailableCommand() {
			t.Errorf("topCommands[%q] says Short %q; the command is %q with Short %q (hidden %v, aliases %v): build the command with its package's Short, and list that in topCommands",
				tc.name, tc.short, c.Name(), c.Short, c.Hidden, c.Aliases)
		}
	}
	var names []string
	for _, c := range full.Commands() {
		names = append(names, c.Name())
	}
	if got, want := len(names), len(topCommands)+3; got != want { // + completion, exit-codes, formatting
		t.Errorf("the root has %d commands %v; topCommands lists %d: add new top-level commands to topCommands", got, names, len(topCommands))
	}
	// What a run shows equals what the whole tree shows.
	for _, args := range [][]string{{"--help"}, {"help"}, {"__complete", ""}, {"__complete", "s"}, {"__complete", "--"}, {"__complete", "specs"},
		{"__complete", "inst"}, {"__complete", "order", ""}, {"help", "exit-codes"}, {"help", "formatting"}, {"completion", "--help"}, {"specs", "--help"}} {
		lazy := run(t, nil, args...)
		io, _, out, errOut := ui.Test()
		whole := NewRootCmd(&cmdutil.Factory{IO: io, Getenv: func(string) string { return "" }})
		whole.SetArgs(args)
		whole.SetOut(out)
		whole.SetErr(errOut)
		whole.Execute()
		if lazy.out != out.String() {
			t.Errorf("flexusl %v differs from the whole tree's:\n%s\n--- whole tree:\n%s", args, lazy.out, out.String())
		}
	}
	for args, want := range map[string]map[string]bool{
		"--help": {}, "-v": {}, "specs list -o json": {"specs": true}, "__complete instance buy --spec ": {"instance": true},
		"help order wait": {"order": true}, "lsit": nil, "--region ap-southeast-3 specs list": nil, "completion bash": {"completion": true},
		"help exit-codes": {"exit-codes": true}, "help formatting": {"formatting": true}, "__complete ": {}, "__complete s": {},
	} {
		got := commandsNeeded(strings.Fields(args))
		if (got == nil) != (want == nil) || len(got) != len(want) {
			t.Errorf("commandsNeeded(%q) = %v, want %v", args, got, want)
		}
		for k := range want {
			if !got[k] {
				t.Errorf("commandsNeeded(%q) = %v, want %v", args, got, want)
			}
		}
	}
}

// Offline commands start without a signal handler; every other command
// (new ones by default) gets Ctrl-C handling before it runs.
func TestOfflineCommands(t *testing.T) {
	io, _, _, _ := ui.Test()
	root := NewRootCmd(&cmdutil.Factory{IO: io, Getenv: func(string) string { return "" }})
	root.InitDefaultHelpCmd()
	for path, want := range map[string]bool{
		"": true, "specs list": true, "images list": true, "regions list": true, "version": true, "help": true, "completion bash": true, "exit-codes": true, "formatting": true,
		"instance buy": false, "order wait": false, "order show": false, "order list": false, "auth login": false, "sandbox": false, "config set": false, "config init": false,
	} {
		c, _, err := root.Find(strings.Fields(path))
		if err != nil {
			t.Fatalf("%q: %v", path, err)
		}
		if got := offlineCommand(c); got != want {
			t.Errorf("offlineCommand(%q) = %v, want %v", path, got, want)
		}
	}
}

// instance builds only the subcommands a run names (cmdutil.AddNamed);
// what a run shows, errors and suggestions included, equals what the
// whole tree shows.
func TestInstanceSubcommandsBuiltWhenNamed(t *testing.T) {
	for _, args := range [][]string{{"instance", "--help"}, {"instance"}, {"help", "instance"}, {"__complete", "instance", ""}, {"__complete", "instance", "b"},
		{"__complete", "instance", "buy", "--spec", ""}, {"__complete", "instance", "buy", "--"}, {"instance", "buy", "--help"}, {"instance", "ls", "--help"},
		{"help", "instance", "unsubscribe"}, {"instance", "stop", "--help"}, {"instance", "create"}, {"instance", "biy"}, {"instance", "--region", "x", "ls", "--help"},
		{"instance", "-o", "json", "show", "--help"}, {"instance", "show", "ls", "--help"}, {"__complete", "instance", "delete", "--columns", ""}} {
		lazy := run(t, nil, args...)
		io, _, out, errOut := ui.Test()
		whole := NewRootCmd(&cmdutil.Factory{IO: io, Getenv: func(string) string { return "" }})
		whole.SetArgs(args)
		whole.SetOut(out)
		whole.SetErr(errOut)
		err := whole.Execute()
		if lazy.out != out.String() {
			t.Errorf("flexusl %q differs from the whole tree's:\n%s\n--- whole tree:\n%s", args, lazy.out, out.String())
		}
		if err != nil && !strings.Contains(lazy.err, err.Error()) {
			t.Errorf("flexusl %q: error %q; the whole tree's: %v", args, lazy.err, err)
		}
	}
}
