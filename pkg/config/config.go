package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/flexusl/flexusl/pkg/filelock"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
)

// Source says where a resolved value came from.
type Source string

// Sources, strongest first.
const (
	SourceFlag    Source = "flag"
	SourceEnv     Source = "env"
	SourceProfile Source = "profile"
	SourceDefault Source = "default"
)

// File is the config file's content: named profiles and the active one.
// Profile names and keys are lower-case (viper folds them).
type File struct {
	ActiveProfile string                       `yaml:"active_profile,omitempty"`
	Profiles      map[string]map[string]string `yaml:"profiles,omitempty"`
}

// ParseFile reads a config file's bytes (YAML) through viper.
func ParseFile(data []byte) (*File, error) {
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

func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case uint64:
		return strconv.FormatUint(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case time.Time:
		return x.UTC().Format(time.RFC3339), true
	case nil:
		return "", true
	}
	return "", false
}

// Marshal renders the file as YAML with sorted keys.
func (f *File) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}

// HasSecrets reports whether any profile stores a secret.
func (f *File) HasSecrets() bool {
	for _, p := range f.Profiles {
		for k, v := range p {
			if v != "" && IsSecret(k) {
				return true
			}
		}
	}
	return false
}

// ProfileNames lists the profiles, sorted.
func (f *File) ProfileNames() []string {
	out := make([]string, 0, len(f.Profiles))
	for n := range f.Profiles {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Inputs are what a run brings besides the file: the flags the user set
// (option key -> value) and the environment.
type Inputs struct {
	Flags  map[string]string
	Getenv func(string) string
	Home   string // for the default path; os.UserHomeDir when ""
}

// Config is the resolved configuration of one run.
type Config struct {
	Path     string
	File     *File
	Exists   bool     // the file exists on disk
	Warnings []string // e.g. a file with secrets readable by others
	in       Inputs
	profile  string
	profSrc  Source
	// pending are the changes made to File since it was read, replayed
	// by Save on the file as it is on disk then, under the lock.
	pending []func(*File) error
}

// DefaultPath is $XDG_CONFIG_HOME/flexusl/config.yaml, else
// ~/.config/flexusl/config.yaml.
func DefaultPath(getenv func(string) string, home string) string {
	if x := getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "flexusl", "config.yaml")
	}
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".config", "flexusl", "config.yaml")
}

// Load finds and reads the config file (a missing file is an empty one) and
// prepares resolution. It does no network and no catalog work.
func Load(in Inputs) (*Config, error) {
	if in.Getenv == nil {
		in.Getenv = os.Getenv
	}
	if in.Flags == nil {
		in.Flags = map[string]string{}
	}
	c := &Config{in: in, File: &File{Profiles: map[string]map[string]string{}}}
	c.Path, _ = c.lookup(KeyConfig)
	if c.Path == "" {
		c.Path = DefaultPath(in.Getenv, in.Home)
	}
	ownDir := c.Path == DefaultPath(in.Getenv, in.Home)
	if ownDir {
		if w := tightenDir(filepath.Dir(c.Path)); w != "" {
			c.Warnings = append(c.Warnings, w)
		}
	}
	data, err := os.ReadFile(c.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read config %s: %w", c.Path, err)
	default:
		c.Exists = true
		f, err := ParseFile(data)
		if err != nil {
			return nil, fmt.Errorf("config %s: %w", c.Path, err)
		}
		c.File = f
		if st, err := os.Stat(c.Path); err == nil && othersMayRead(runtime.GOOS, st.Mode()) && f.HasSecrets() {
			c.Warnings = append(c.Warnings, fmt.Sprintf("config file %s holds secrets and is readable by others (mode %04o); run: chmod 600 %s", c.Path, st.Mode().Perm(), c.Path))
		}
	}
	// The profile: flag > env > file's active_profile > "default".
	if v, src := c.lookup(KeyProfile); src != SourceDefault {
		c.profile, c.profSrc = v, src
	} else if c.File.ActiveProfile != "" {
		c.profile, c.profSrc = c.File.ActiveProfile, SourceProfile
	} else {
		c.profile, c.profSrc = DefaultProfile, SourceDefault
	}
	c.profile = strings.ToLower(c.profile)
	if err := CheckProfileName(c.profile); err != nil {
		return nil, err
	}
	for _, name := range c.File.ProfileNames() {
		for k := range c.File.Profiles[name] {
			if o, ok := Lookup(k); !ok || !o.InFile {
				c.Warnings = append(c.Warnings, fmt.Sprintf("config %s: profile %q: unknown key %q is ignored", c.Path, name, k))
			}
		}
	}
	return c, nil
}

// othersMayRead reports whether a file's mode lets other users read it. On
// Windows the mode says nothing about that (every writable file reports
// 0666; access is decided by ACLs, and a user's profile directory is
// private), so it never warns there.
func othersMayRead(goos string, mode fs.FileMode) bool {
	if goos == "windows" {
		return false
	}
	return mode.Perm()&0o077 != 0
}

// CheckProfile fails when the profile was named by flag or environment but
// the file has no such profile: a typo must not silently run with defaults.
// Commands that create profiles (config set) do not call it.
func (c *Config) CheckProfile() error {
	if c.profSrc == SourceFlag || c.profSrc == SourceEnv {
		if _, ok := c.File.Profiles[c.profile]; !ok {
			names := c.File.ProfileNames()
			if len(names) == 0 {
				return fmt.Errorf("profile %q does not exist: %s has no profiles (create one with: flexusl config set --profile %s region REGION)", c.profile, c.Path, c.profile)
			}
			return fmt.Errorf("profile %q is not in %s (profiles: %s)", c.profile, c.Path, strings.Join(names, ", "))
		}
	}
	return nil
}

// Profile is the name of the profile in use.
func (c *Config) Profile() string { return c.profile }

// ProfileSource says how the profile was chosen.
func (c *Config) ProfileSource() Source { return c.profSrc }

// Get resolves key: flag > environment > profile > default.
func (c *Config) Get(key string) string {
	v, _ := c.Resolve(key)
	return v
}

// Resolve returns key's value and where it came from.
func (c *Config) Resolve(key string) (string, Source) {
	if key == KeyProfile {
		return c.profile, c.profSrc
	}
	return c.lookup(key)
}

func (c *Config) lookup(key string) (string, Source) {
	o, ok := Lookup(key)
	if !ok {
		panic("config: undeclared option " + key)
	}
	if v, ok := c.in.Flags[key]; ok {
		return v, SourceFlag
	}
	for _, e := range o.Env {
		if v := c.in.Getenv(e); v != "" {
			return v, SourceEnv
		}
	}
	if o.InFile && c.File != nil {
		if v, ok := c.File.Profiles[c.profile][key]; ok && v != "" {
			return v, SourceProfile
		}
	}
	return o.Default, SourceDefault
}

// Check validates every resolved value that has a rule, naming the option
// and where its value came from.
func (c *Config) Check() error {
	for _, o := range Options() {
		if o.Check == nil {
			continue
		}
		v, src := c.Resolve(o.Key)
		if v == "" && src == SourceDefault {
			continue
		}
		if err := o.Check(v); err != nil {
			return fmt.Errorf("%s (from %s): %w", describe(o, src), src, err)
		}
	}
	return nil
}

func describe(o Option, src Source) string {
	switch src {
	case SourceFlag:
		return "--" + o.Flag
	case SourceEnv:
		for _, e := range o.Env {
			return e
		}
	}
	return o.Key
}

// Duration resolves a duration option (already checked by Check).
func (c *Config) Duration(key string) time.Duration {
	d, _ := time.ParseDuration(c.Get(key))
	return d
}

// Int resolves an integer option (already checked by Check).
func (c *Config) Int(key string) int {
	n, _ := strconv.Atoi(c.Get(key))
	return n
}

// Bool resolves a boolean option.
func (c *Config) Bool(key string) bool {
	b, _ := strconv.ParseBool(c.Get(key))
	return b
}

// SetInFile stores key=value in profile (created when missing). It checks
// the key and the value against the registry. Call Save to write.
func (c *Config) SetInFile(profile, key, value string) error {
	o, ok := Lookup(key)
	if !ok || !o.InFile {
		return CheckKey(key)
	}
	if o.Check != nil {
		if err := o.Check(value); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	profile = strings.ToLower(profile)
	if err := CheckProfileName(profile); err != nil {
		return err
	}
	return c.change(func(f *File) error {
		if f.Profiles == nil {
			f.Profiles = map[string]map[string]string{}
		}
		if f.Profiles[profile] == nil {
			f.Profiles[profile] = map[string]string{}
		}
		f.Profiles[profile][key] = value
		return nil
	})
}

// UnsetInFile removes key from profile. Call Save to write.
func (c *Config) UnsetInFile(profile, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	profile = strings.ToLower(profile)
	return c.change(func(f *File) error {
		delete(f.Profiles[profile], key)
		return nil
	})
}

// ActivateIfNone makes profile the active one when the file names none.
// Call Save to write.
func (c *Config) ActivateIfNone(profile string) error {
	profile = strings.ToLower(profile)
	return c.change(func(f *File) error {
		if f.ActiveProfile == "" {
			f.ActiveProfile = profile
		}
		return nil
	})
}

// change applies op to the file read at Load and queues it for Save.
func (c *Config) change(op func(*File) error) error {
	if err := op(c.File); err != nil {
		return err
	}
	c.pending = append(c.pending, op)
	return nil
}

// Save writes the changes made since Load. Under an exclusive lock on
// the file's lock file (PATH.lock), it reads the file again, replays the
// changes on it and writes it atomically (temp file, fsync, rename) with
// mode 0600 in a directory made 0700: two runs changing the file at once
// (say, config set on two profiles) keep both changes.
func (c *Config) Save() error {
	dir := filepath.Dir(c.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create config dir: %w", err)
	}
	unlock, err := filelock.LockPath(c.Path + ".lock")
	if err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	defer unlock()
	fresh := &File{Profiles: map[string]map[string]string{}}
	data, err := os.ReadFile(c.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("read config %s: %w", c.Path, err)
	default:
		if fresh, err = ParseFile(data); err != nil {
			return fmt.Errorf("config %s: %w", c.Path, err)
		}
	}
	for _, op := range c.pending {
		if err := op(fresh); err != nil {
			return fmt.Errorf("config %s changed while this ran: %w", c.Path, err)
		}
	}
	out, err := fresh.Marshal()
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	if err := WriteFileAtomic(c.Path, out); err != nil {
		return err
	}
	c.File, c.pending, c.Exists = fresh, nil, true
	return nil
}

// tightenDir makes flexusl's own config directory 0700 when it is looser
// (it holds secrets). It returns a warning when it cannot.
func tightenDir(dir string) string {
	if runtime.GOOS == "windows" {
		return "" // modes mean nothing there
	}
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() || st.Mode().Perm()&0o077 == 0 {
		return ""
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Sprintf("config directory %s has mode %04o (others can read it) and could not be changed to 0700: %v; run: chmod 700 %s", dir, st.Mode().Perm(), err, dir)
	}
	return ""
}

// WriteFileAtomic writes data to path through a temp file in the same
// directory, 0600, synced, then renamed over path. A missing directory is
// created 0700.
func WriteFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create config dir: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".config-*.tmp")
	if err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	name := tmp.Name()
	defer os.Remove(name) // no-op after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return nil
}
