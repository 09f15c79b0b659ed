package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/service"
)

// Each service of the service table is an option of the registry with its
// key, flag, environment variable, default and usage, and users see it
// wherever options show: `config list` (default, env, flag, each with its
// source), the global flags of --help, `flexusl help config` and README's
// configuration table. The option rows are generated from the table, so a
// service added there shows everywhere, and nothing else can drift.
func TestServiceTableIsTheEndpointOptions(t *testing.T) {
	help := run(t, nil, "--help")
	ref := run(t, nil, "help", "config")
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var endpointKeys []string
	for _, o := range config.Options() {
		if strings.HasSuffix(o.Key, "endpoint") {
			endpointKeys = append(endpointKeys, o.Key)
		}
	}
	var tableKeys []string
	for _, s := range service.Services {
		tableKeys = append(tableKeys, s.Key)
		t.Run(s.Name, func(t *testing.T) {
			o, ok := config.Lookup(s.Key)
			if !ok || o.Flag != s.Flag || !slices.Equal(o.Env, []string{s.Env}) || o.Default != s.Default || o.Usage != s.Usage || !o.InFile || o.Secret || o.Check == nil {
				t.Fatalf("registry row %+v for %+v", o, s)
			}
			list := func(env map[string]string, args ...string) (value, source string) {
				r := run(t, env, append([]string{"config", "list", "-o", "json"}, args...)...)
				var rows []struct{ Key, Value, Source string }
				if err := json.Unmarshal([]byte(r.out), &rows); err != nil || r.code != 0 {
					t.Fatalf("config list: %d %v\n%s%s", r.code, err, r.out, r.err)
				}
				for _, row := range rows {
					if row.Key == s.Key {
						return row.Value, row.Source
					}
				}
				t.Fatalf("config list has no %s:\n%s", s.Key, r.out)
				return "", ""
			}
			if v, src := list(nil); v != s.Default || src != "default" {
				t.Errorf("config list: %s %s, want the default %s", v, src, s.Default)
			}
			if v, src := list(map[string]string{s.Env: "https://env.example"}); v != "https://env.example" || src != "env" {
				t.Errorf("config list with $%s: %s %s", s.Env, v, src)
			}
			if v, src := list(map[string]string{s.Env: "https://env.example"}, "--"+s.Flag, "https://flag.example"); v != "https://flag.example" || src != "flag" {
				t.Errorf("config list with --%s: %s %s", s.Flag, v, src)
			}
			if want := fmt.Sprintf("--%s string", s.Flag); !strings.Contains(help.out, want) ||
				!strings.Contains(help.out, fmt.Sprintf("%s [$%s] (default %q)", s.Usage, s.Env, s.Default)) {
				t.Errorf("--help lacks --%s with its usage, $%s and default", s.Flag, s.Env)
			}
			if want := fmt.Sprintf("%s [--%s, $%s, default %s]", s.Usage, s.Flag, s.Env, s.Default); !strings.Contains(ref.out, want) {
				t.Errorf("help config lacks %q", want)
			}
			if want := fmt.Sprintf("| %s | `--%s` | `%s` | `%s`", s.Key, s.Flag, s.Env, s.Default); !strings.Contains(string(readme), want) {
				t.Errorf("README's configuration table lacks %q", want)
			}
		})
	}
	if !slices.Equal(endpointKeys, tableKeys) {
		t.Errorf("endpoint options %v, service table %v", endpointKeys, tableKeys)
	}
}
