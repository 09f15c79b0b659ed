package config

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/viper"
)

// parseFileViper is how ParseFile read the file through viper before it
// read the YAML itself; FuzzParseFileAsViper keeps the two equal.
func parseFileViper(data []byte) (*File, error) {
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("parse config: %w", err)
	}
	f := &File{Profiles: map[string]map[string]string{}}
	for _, k := range v.AllKeys() {
		if k != "active_profile" && !strings.HasPrefix(k, "profiles.") {
			return nil, fmt.Errorf("parse config: unknown top-level key %q (want active_profile, profiles)", strings.SplitN(k, ".", 2)[0])
		}
	}
	if a := v.Get("active_profile"); a != nil {
		s, ok := scalar(a)
		if !ok {
			return nil, fmt.Errorf("parse config: active_profile must be a string")
		}
		f.ActiveProfile = strings.ToLower(s)
	}
	raw := v.Get("profiles")
	if raw == nil {
		return f, nil
	}
	profiles, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("parse config: profiles must be a mapping of profile names")
	}
	for name, body := range profiles {
		if err := CheckProfileName(name); err != nil {
			return nil, fmt.Errorf("parse config: %w", err)
		}
		p := map[string]string{}
		if body != nil {
			m, ok := body.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("parse config: profile %q must be a mapping of keys", name)
			}
			for k, val := range m {
				s, ok := scalar(val)
				if !ok {
					return nil, fmt.Errorf("parse config: profile %q key %q must be a single value", name, k)
				}
				p[k] = s
			}
		}
		f.Profiles[name] = p
	}
	return f, nil
}

func FuzzParseFileAsViper(f *testing.F) {
	for _, s := range []string{
		"active_profile: a\nprofiles:\n  a:\n    region: ap-southeast-3\n",
		"Active_Profile: Prod\nPROFILES:\n  Prod:\n    Region: x\n    MAX_RETRIES: 0x10\n    timeout: 60.0\n",
		"profiles:\n  a:\n    token_expires_at: 2026-11-28T10:00:00Z\n    debug: yes\n    n: ~\n",
		"base: &b {region: x}\nprofiles:\n  a: *b\n",
		"profiles:\n  a: &x\n    region: r\n  b:\n    <<: *x\n    output: json\n",
		"profiles:\n  1:\n    2: 3\n",
		"profiles: {}\n", "profiles:\n", "", "~\n", "profiles: [a]\n", "active_profile: [a]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseFile(data)
		want, werr := parseFileViper(data)
		if err != nil && strings.Contains(err.Error(), "is given twice") {
			return // viper keeps one of the two at random
		}
		if werr == nil && err != nil && strings.Contains(err.Error(), "unknown top-level key") {
			return // viper lets an unknown key through when it holds no value (x: {}, x: ~)
		}
		if err == nil && werr != nil && strings.Contains(werr.Error(), `unknown top-level key "profiles"`) {
			return // viper took an empty "profiles:" for an unknown key
		}
		if (err == nil) != (werr == nil) {
			t.Fatalf("ParseFile error %v; viper's %v\n%q", err, werr, data)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("ParseFile %+v; viper's %+v\n%q", got, want, data)
		}
	})
}
