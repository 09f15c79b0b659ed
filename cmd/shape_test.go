package cmd

import (
	"encoding/json"
	"github.com/flexusl/flexusl/pkg/service"
	"maps"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	authcmd "github.com/flexusl/flexusl/cmd/auth"
	"github.com/flexusl/flexusl/cmd/cmdutil"
	configcmd "github.com/flexusl/flexusl/cmd/config"
	instancecmd "github.com/flexusl/flexusl/cmd/instance"
	ordercmd "github.com/flexusl/flexusl/cmd/order"
	"github.com/flexusl/flexusl/pkg/buildinfo"
	"github.com/flexusl/flexusl/pkg/catalog"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/instance"
	"github.com/flexusl/flexusl/pkg/order"
	"github.com/flexusl/flexusl/pkg/output"
	"github.com/flexusl/flexusl/pkg/sandbox"
	"github.com/flexusl/flexusl/pkg/ui"
)

// sandboxEnv starts a sandbox with instances and returns the environment
// that points flexusl at it.
func sandboxEnv(t *testing.T, instances int) map[string]string {
	t.Helper()
	s, err := sandbox.New(sandbox.Options{CompleteAfter: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	if instances > 0 {
		if _, err := s.Provision(sandbox.ProvisionRequest{Count: instances, Regions: []string{"ap-southeast-3"}}); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	env := map[string]string{"FLEXUSL_TOKEN": sandbox.DefaultToken, "FLEXUSL_CONFIG": filepath.Join(dir, "config.yaml"),
		"XDG_STATE_HOME": filepath.Join(dir, "state"), "XDG_CACHE_HOME": filepath.Join(dir, "cache"), "HOME": dir}
	maps.Copy(env, service.EnvAll(srv.URL))
	return env
}

// Each list and show command's --help (and those of the commands that
// change something, so that --columns is checked before they send) names
// its JSON keys, generated from its result types; here the named keys are
// checked against what the command prints: every key printed is named,
// every key that is never left out is printed, and --help says them all.
func TestHelpNamesTheJSONKeysPrinted(t *testing.T) {
	env := sandboxEnv(t, 2)
	if r := runIn(t, env, false, "", "config", "set", "region", "ap-southeast-3"); r.code != 0 {
		t.Fatalf("config set: %+v", r)
	}
	tests := []struct {
		args  []string
		types []any // every type the command declares; the first is what args print
	}{
		{[]string{"instance", "buy", "--name", "keys-1", "--spec", "hf.large.1.30m.linux", "--image", "BT", "--image-version", "6.8.35",
			"--region", "ap-southeast-3", "--yes"}, []any{instancecmd.BuyResult{}, cmdutil.DryRunRequest{}}},
		{[]string{"instance", "renew", "sandbox-0001", "--period", "1", "--dry-run"}, []any{cmdutil.DryRunRequest{}, instancecmd.OrdersResult{}}},
		{[]string{"instance", "renew", "sandbox-0001", "--period", "1", "--yes"}, []any{instancecmd.OrdersResult{}, cmdutil.DryRunRequest{}}},
		{[]string{"instance", "auto-renew", "sandbox-0001", "on"}, []any{instancecmd.AutoRenewResult{}, cmdutil.DryRunRequest{}}},
		{[]string{"instance", "stop", "sandbox-0002", "--interval", "10ms"}, []any{instancecmd.ActionResult{}}},
		{[]string{"version"}, []any{buildinfo.Info{}}},
		{[]string{"auth", "status"}, []any{authcmd.Status{}}},
		{[]string{"regions", "list"}, []any{catalog.Region{}}},
		{[]string{"images", "list"}, []any{catalog.ImageRow{}}},
		{[]string{"specs", "list"}, []any{catalog.Spec{}}},
		{[]string{"config", "list"}, []any{config.Setting{}}},
		{[]string{"config", "profiles"}, []any{configcmd.ProfileRow{}}},
		{[]string{"instance", "list"}, []any{instance.View{}}},
		{[]string{"instance", "show", "sandbox-0001"}, []any{instance.Detail{}}},
		{[]string{"instance", "traffic"}, []any{instancecmd.TrafficRow{}}},
		{[]string{"order", "list"}, []any{ordercmd.ListEntry{}, ordercmd.RemoteList{}}},
		{[]string{"order", "list", "--remote"}, []any{ordercmd.RemoteList{}, ordercmd.ListEntry{}}},
		{[]string{"order", "show", "--last"}, []any{order.View{}}},
	}
	io, _, _, _ := ui.Test()
	root := NewRootCmd(&cmdutil.Factory{IO: io, Getenv: func(string) string { return "" }})
	for _, tt := range tests {
		name := strings.Join(tt.args, " ")
		c, _, err := root.Find(tt.args)
		if err != nil {
			t.Fatal(err)
		}
		var declared []string
		for _, typ := range tt.types {
			for _, k := range output.KeysOf(reflect.TypeOf(typ)) {
				if !slices.Contains(declared, k.Name) {
					declared = append(declared, k.Name)
				}
			}
		}
		if got := cmdutil.DeclaredKeys(c); !slices.Equal(got, declared) && !slices.Equal(sorted(got), sorted(declared)) {
			t.Errorf("%s declares %v; its result types have %v", name, got, declared)
		}
		help := strings.Join(strings.Fields(c.Long), " ")
		for _, k := range declared {
			if !strings.Contains(help, " "+k+",") && !strings.Contains(help, " "+k+".") {
				t.Errorf("%s --help does not name key %s", name, k)
			}
		}

		r := runIn(t, env, false, "", append(tt.args, "-o", "json")...)
		if r.code != 0 {
			t.Fatalf("%s: %+v", name, r)
		}
		var v any
		if err := json.Unmarshal([]byte(r.out), &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		records, ok := v.([]any)
		if !ok {
			records = []any{v}
		}
		if len(records) == 0 {
			t.Fatalf("%s printed no records to check", name)
		}
		printed := map[string]bool{}
		for _, rec := range records {
			for k := range rec.(map[string]any) {
				printed[k] = true
			}
		}
		for k := range printed {
			if !slices.Contains(declared, k) {
				t.Errorf("%s prints key %s, which its --help does not name", name, k)
			}
		}
		for _, k := range output.KeysOf(reflect.TypeOf(tt.types[0])) {
			if !k.OmitEmpty && !printed[k.Name] {
				t.Errorf("%s names key %s, which it does not print", name, k.Name)
			}
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// The shaping flags in-process: checked before the command runs (exit 2,
// stdout empty), -o agreeing, and the same on commands that declare no
// keys.
func TestShapeFlags(t *testing.T) {
	buyDryRun := []string{"instance", "buy", "--name", "x", "--spec", "hf.large.1.30m.linux", "--image", "BT", "--image-version", "6.8.35",
		"--region", "ap-southeast-3", "--dry-run"}
	tests := []struct {
		args     []string
		env      map[string]string
		code     int
		out, err string
	}{
		{[]string{"specs", "list", "--jq", ".[0].code"}, nil, 0, "hf.large.025.30m.linux\n", ""},
		{[]string{"specs", "list", "-o", "json", "--jq", "length"}, nil, 0, "12\n", ""},
		{[]string{"specs", "list", "--jq", "length"}, map[string]string{"FLEXUSL_OUTPUT": "yaml"}, 0, "12\n", ""},
		{[]string{"regions", "list", "--template", `{{range .}}{{if eq .id "tr-west-1"}}{{.name}}{{end}}{{end}}`}, nil, 0, "TR-Istanbul", ""},
		{[]string{"regions", "list", "--columns", "name", "--region", "tr-west-1"}, nil, 0, "", ""},
		{[]string{"version", "--jq", ".version"}, nil, 0, "dev\n", ""},
		{[]string{"version", "--columns", "version"}, nil, 0, "VERSION\ndev\n", ""},
		{[]string{"specs", "list", "--jq", ".["}, nil, 2, "", `Error: --jq ".[": unexpected EOF (at character 2)`},
		{[]string{"specs", "list", "--template", "{{end}}"}, nil, 2, "", "Error: --template, line 1: unexpected {{end}}"},
		{[]string{"specs", "list", "--columns", "code,ram"}, nil, 2, "", "Error: --columns: ram is not a key of this result; the keys are code, os, vcpus, memory_gib, system_disk_gib, peak_bandwidth_mbit_s, data_package_gb"},
		{[]string{"specs", "list", "--columns", "code,"}, nil, 2, "", `Error: --columns "code,": an empty column name`},
		{[]string{"specs", "list", "--jq", ".", "--template", "x"}, nil, 2, "", "exclude each other"},
		{[]string{"specs", "list", "-o", "table", "--jq", "."}, nil, 2, "", "Error: --jq prints json data; -o table does not go with it (drop -o)"},
		{[]string{"specs", "list", "-o", "yaml", "--columns", "code"}, nil, 2, "", "Error: --columns prints table data; -o yaml does not go with it (drop -o)"},
		{[]string{"config", "path", "--jq", "."}, nil, 2, "", "Error: flexusl config path prints no result to shape: --jq, --template and --columns do not apply"},
		{[]string{"sandbox", "--columns", "a"}, nil, 2, "", "Error: flexusl sandbox prints no result to shape"},
		{append(buyDryRun, "--columns", "method,url"), nil, 0, "METHOD  URL\nPOST    https://hcss.ap-southeast-3.myhuaweicloud.com/v1/light-instances\n", ""},
		{append(buyDryRun, "--jq", ".[0].body.plan_spec"), nil, 0, "hf.large.1.30m.linux\n", ""},
		{[]string{"specs", "list", "--jq", ".code"}, nil, 1, "", "Error: --jq: expected an object but got: array"},
		{[]string{"version", "--columns", "nope"}, nil, 2, "", "Error: --columns: nope is not a key of this result; the keys are version, commit, go_version"},
		// --version declares no keys: the result shows the column unknown.
		{[]string{"--version", "--columns", "nope"}, nil, 1, "", "Error: --columns: nope is not a key of this result; the keys are version, commit, go_version"},
		{[]string{"specs", "list", "--template", "{{range .code}}{{end}}"}, nil, 1, "", `Error: --template, line 1:8: executing "--template" at <.code>: can't evaluate field code`},
	}
	for _, tt := range tests {
		r := run(t, tt.env, tt.args...)
		if r.code != tt.code || (tt.out != "" || tt.code != 0) && r.out != tt.out || !strings.Contains(r.err, tt.err) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr with %q", tt.args, r.code, r.out, r.err, tt.code, tt.out, tt.err)
		}
	}
}
