package config

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/service"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func writeFile(t *testing.T, dir, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// hcssKey is the HCSS endpoint's key.
var hcssKey = service.HCSS.Get().Key

func isEndpoint(key string) bool {
	for _, s := range service.Services {
		if s.Key == key {
			return true
		}
	}
	return false
}

// For every option: flag > env > profile > default.
func TestPrecedenceEveryOption(t *testing.T) {
	for _, o := range Options() {
		if o.Key == KeyProfile || o.Key == KeyConfig {
			continue // they choose the file and profile; tested below
		}
		val := func(src string) string {
			switch o.Key {
			case KeyOutput:
				return map[string]string{"flag": "json", "env": "yaml", "profile": "table"}[src]
			}
			if isEndpoint(o.Key) {
				return "https://" + src + ".example"
			}
			return src + "-" + o.Key
		}
		t.Run(o.Key, func(t *testing.T) {
			dir := t.TempDir()
			body := "active_profile: p\nprofiles:\n  p: {}\n"
			if o.InFile {
				body = "active_profile: p\nprofiles:\n  p:\n    " + o.Key + ": " + val("profile") + "\n"
			}
			path := writeFile(t, dir, body, 0o600)
			type layer struct {
				flag, env bool
				want      string
				src       Source
			}
			layers := []layer{
				{true, true, val("flag"), SourceFlag},
				{false, true, val("env"), SourceEnv},
			}
			if o.InFile {
				layers = append(layers, layer{false, false, val("profile"), SourceProfile})
			} else {
				layers = append(layers, layer{false, false, o.Default, SourceDefault})
			}
			for _, l := range layers {
				if l.flag && o.Flag == "" {
					continue
				}
				if l.env && len(o.Env) == 0 {
					continue
				}
				flags := map[string]string{KeyConfig: path}
				if l.flag {
					flags[o.Key] = val("flag")
				}
				e := map[string]string{}
				if l.env {
					e[o.Env[0]] = val("env")
				}
				c, err := Load(Inputs{Flags: flags, Getenv: env(e)})
				if err != nil {
					t.Fatal(err)
				}
				if got, src := c.Resolve(o.Key); got != l.want || src != l.src {
					t.Errorf("flag=%v env=%v: got %q from %s, want %q from %s", l.flag, l.env, got, src, l.want, l.src)
				}
			}
			// Nothing anywhere: the default.
			c, err := Load(Inputs{Flags: map[string]string{KeyConfig: filepath.Join(dir, "none.yaml")}, Getenv: env(nil)})
			if err != nil {
				t.Fatal(err)
			}
			if got, src := c.Resolve(o.Key); got != o.Default || src != SourceDefault {
				t.Errorf("default: got %q from %s, want %q", got, src, o.Default)
			}
		})
	}
}

func TestSDKEnvFallbacks(t *testing.T) {
	c, err := Load(Inputs{Flags: map[string]string{KeyConfig: filepath.Join(t.TempDir(), "x.yaml")}, Getenv: env(map[string]string{
		"HUAWEICLOUD_SDK_AK": "sdk-ak", "FLEXUSL_SECRET_KEY": "fx-sk", "HUAWEICLOUD_SDK_SK": "sdk-sk",
	})})
	if err != nil {
		t.Fatal(err)
	}
	if c.Get(KeyAccessKey) != "sdk-ak" || c.Get(KeySecretKey) != "fx-sk" {
		t.Errorf("ak=%q sk=%q", c.Get(KeyAccessKey), c.Get(KeySecretKey))
	}
}

func TestProfileSelection(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "active_profile: work\nprofiles:\n  work:\n    region: tr-west-1\n  home:\n    region: me-east-1\n", 0o600)
	tests := []struct {
		flag, env, want, region string
		src                     Source
	}{
		{"", "", "work", "tr-west-1", SourceProfile},
		{"", "home", "home", "me-east-1", SourceEnv},
		{"HOME", "work", "home", "me-east-1", SourceFlag},
	}
	for _, tt := range tests {
		flags := map[string]string{KeyConfig: path}
		if tt.flag != "" {
			flags[KeyProfile] = tt.flag
		}
		c, err := Load(Inputs{Flags: flags, Getenv: env(map[string]string{"FLEXUSL_PROFILE": tt.env})})
		if err != nil {
			t.Fatal(err)
		}
		if c.Profile() != tt.want || c.ProfileSource() != tt.src || c.Get(KeyRegion) != tt.region {
			t.Errorf("%+v: profile %q from %s region %q", tt, c.Profile(), c.ProfileSource(), c.Get(KeyRegion))
		}
		if err := c.CheckProfile(); err != nil {
			t.Error(err)
		}
	}
	c, err := Load(Inputs{Flags: map[string]string{KeyConfig: path, KeyProfile: "wrok"}, Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckProfile(); err == nil || !strings.Contains(err.Error(), "home, work") {
		t.Errorf("unknown profile: %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	if got := DefaultPath(env(map[string]string{"XDG_CONFIG_HOME": "/x"}), "/h"); got != "/x/flexusl/config.yaml" {
		t.Error(got)
	}
	if got := DefaultPath(env(nil), "/h"); got != "/h/.config/flexusl/config.yaml" {
		t.Error(got)
	}
	c, err := Load(Inputs{Getenv: env(map[string]string{"FLEXUSL_CONFIG": "/e/c.yaml", "XDG_CONFIG_HOME": "/x"})})
	if err != nil || c.Path != "/e/c.yaml" {
		t.Errorf("FLEXUSL_CONFIG: %v %v", c, err)
	}
}

func TestCheckNamesOptionAndSource(t *testing.T) {
	c, err := Load(Inputs{Flags: map[string]string{KeyConfig: filepath.Join(t.TempDir(), "c.yaml"), hcssKey: "http://example.com"}, Getenv: env(map[string]string{"FLEXUSL_OUTPUT": "xml"})})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Check()
	if err == nil || !strings.Contains(err.Error(), "FLEXUSL_OUTPUT (from env)") {
		t.Fatalf("got %v", err)
	}
}

func TestCheckEndpoint(t *testing.T) {
	for s, ok := range map[string]bool{
		"https://hcss.ap-southeast-3.myhuaweicloud.com": true,
		"http://127.0.0.1:8089":                         true,
		"http://localhost:1":                            true,
		"http://[::1]:2":                                true,
		"http://hcss.example.com":                       false,
		"ftp://x":                                       false,
		"not a url":                                     false,
		"https://user:pw@host":                          false,
	} {
		if err := CheckEndpoint(s); (err == nil) != ok {
			t.Errorf("%s: %v", s, err)
		}
	}
}

// An endpoint with user information, well-formed or not, is refused
// without showing the password.
func TestCheckEndpointNeverEchoesAPassword(t *testing.T) {
	for _, s := range []string{"http://user:PASS@127.0.0.1:8089", "https://user:PASS@host", "http://user:PASS@host", "user:PASS@host",
		"http://user:PA SS@host:x", "http://user:PASS@[::1", "https://us@er:PASS@host/p", "http://user:pa/PASS@host", "%zz://user:PASS@h"} {
		err := CheckEndpoint(s)
		if err == nil || strings.Contains(err.Error(), "PASS") || strings.Contains(err.Error(), "SS@") {
			t.Errorf("%s: %v", s, err)
		}
	}
	if got := RedactURL("http://user:PASS@host:1/p"); got != "http://****@host:1/p" {
		t.Error(got)
	}
	for _, s := range []string{"http://[::1", "https://host:port", "ht tp://x"} {
		if err := CheckEndpoint(s); err == nil || !strings.Contains(err.Error(), "is not an http(s) URL") {
			t.Errorf("%s: %v", s, err)
		}
	}
}

func TestSaveIsAtomic0600AndWritesOnlyFileValues(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "flexusl")
	path := filepath.Join(dir, "config.yaml")
	c, err := Load(Inputs{Flags: map[string]string{KeyConfig: path, KeyRegion: "flag-region"}, Getenv: env(map[string]string{"FLEXUSL_TOKEN": "env-token-secret"})})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetInFile("Prod", hcssKey, "https://e.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %o", st.Mode().Perm())
	}
	dst, _ := os.Stat(dir)
	if dst.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %o", dst.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "env-token-secret") || strings.Contains(string(data), "flag-region") {
		t.Errorf("flag/env value written back:\n%s", data)
	}
	f, err := ParseFile(data)
	if err != nil || f.Profiles["prod"]["endpoint"] != "https://e.example" {
		t.Errorf("round trip: %v %v", f, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 || entries[1].Name() != "config.yaml.lock" { // the lock file stays (by design)
		t.Errorf("temp files left: %v", entries)
	}
	if err := c.SetInFile("prod", "regoin", "x"); err == nil || !strings.Contains(err.Error(), "unknown config key") {
		t.Errorf("unknown key: %v", err)
	}
	if err := c.SetInFile("prod", KeyOutput, "xml"); err == nil {
		t.Error("bad value accepted")
	}
}

func TestWarnsOnReadableSecrets(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes say nothing about readers on Windows (TestOthersMayRead)")
	}
	dir := t.TempDir()
	path := writeFile(t, dir, "profiles:\n  default:\n    token: abc\n", 0o644)
	c, err := Load(Inputs{Flags: map[string]string{KeyConfig: path}, Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "chmod 600 "+path) || strings.Contains(c.Warnings[0], "abc") {
		t.Errorf("warnings = %v", c.Warnings)
	}
	os.Chmod(path, 0o600)
	c, _ = Load(Inputs{Flags: map[string]string{KeyConfig: path}, Getenv: env(nil)})
	if len(c.Warnings) != 0 {
		t.Errorf("warnings = %v", c.Warnings)
	}
}

func TestParseFileErrors(t *testing.T) {
	for name, body := range map[string]string{
		"not yaml":       "profiles: [",
		"unknown top":    "region: x\n",
		"profiles list":  "profiles: [a, b]\n",
		"nested value":   "profiles:\n  a:\n    region: {x: 1}\n",
		"bad profile":    "profiles:\n  'a b':\n    region: x\n",
		"active mapping": "active_profile: {a: 1}\n",
	} {
		if _, err := ParseFile([]byte(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	f, err := ParseFile([]byte("profiles:\n  a:\n    max_retries: 5\n    debug: true\n"))
	if err != nil || f.Profiles["a"]["max_retries"] != "5" {
		t.Errorf("%v %v", f, err)
	}
}

func TestMask(t *testing.T) {
	if got := Mask(KeyAccessKey, "AKIDEXAMPLE12WXYZ"); got != "AKID****WXYZ" {
		t.Error(got)
	}
	if got := Mask(KeyToken, "MIIat-long-token"); got != "****" {
		t.Error(got)
	}
	if got := Mask(KeyAccessKey, "short"); got != "****" {
		t.Error(got)
	}
}

func FuzzParseFile(f *testing.F) {
	f.Add([]byte("active_profile: a\nprofiles:\n  a:\n    region: ap-southeast-3\n"))
	f.Add([]byte("profiles: {}\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ParseFile(data)
		if err != nil {
			return
		}
		// Whatever parses must survive our own write and read back the same.
		out, err := file.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseFile(out)
		if err != nil {
			t.Fatalf("re-read of our own output failed: %v\n%s", err, out)
		}
		for name, p := range file.Profiles {
			for k, v := range p {
				if again.Profiles[name][k] != v {
					t.Fatalf("profile %s key %s: %q became %q", name, k, v, again.Profiles[name][k])
				}
			}
		}
	})
}

// Two runs that loaded the file before either saved both keep their
// change: Save replays each run's changes on the file as it is then.
func TestSaveKeepsAnotherRunsChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flexusl", "config.yaml")
	load := func() *Config {
		c, err := Load(Inputs{Flags: map[string]string{KeyConfig: path}, Getenv: env(nil)})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b := load(), load()
	a.SetInFile("a", KeyRegion, "ap-southeast-1")
	b.SetInFile("b", KeyRegion, "ap-southeast-2")
	b.ActivateIfNone("b")
	if err := a.Save(); err != nil {
		t.Fatal(err)
	}
	if err := b.Save(); err != nil {
		t.Fatal(err)
	}
	c := load()
	if c.File.Profiles["a"][KeyRegion] != "ap-southeast-1" || c.File.Profiles["b"][KeyRegion] != "ap-southeast-2" || c.File.ActiveProfile != "b" {
		t.Errorf("%+v", c.File)
	}
	// A profile deleted by another run cannot be made active.
	d, e := load(), load()
	if err := d.UseProfile("a"); err != nil {
		t.Fatal(err)
	}
	e.DeleteProfile("a")
	e.Save()
	if err := d.Save(); err == nil || !strings.Contains(err.Error(), `profile "a" no longer exists`) {
		t.Errorf("use of a deleted profile: %v", err)
	}
}

// Windows reports 0666 for every writable file whatever its ACL says: no
// warning there; elsewhere group or other bits warn.
func TestOthersMayRead(t *testing.T) {
	tests := []struct {
		goos string
		mode fs.FileMode
		want bool
	}{
		{"windows", 0o666, false},
		{"windows", 0o444, false},
		{"linux", 0o666, true},
		{"linux", 0o640, true},
		{"darwin", 0o604, true},
		{"linux", 0o600, false},
		{"freebsd", 0o400, false},
	}
	for _, tt := range tests {
		if got := othersMayRead(tt.goos, tt.mode); got != tt.want {
			t.Errorf("othersMayRead(%s, %04o) = %v, want %v", tt.goos, tt.mode, got, tt.want)
		}
	}
}
