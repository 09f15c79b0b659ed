package config

import (
	"fmt"
	"strings"

	"github.com/flexusl/flexusl/pkg/suggest"
)

// Setting is one resolved option as `config list` shows it; secrets masked.
type Setting struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source Source `json:"source"`
	Secret bool   `json:"secret,omitempty"`
}

// Settings resolves every profile option, secrets masked.
func (c *Config) Settings() []Setting {
	var out []Setting
	for _, o := range Options() {
		if !o.InFile {
			continue
		}
		v, src := c.Resolve(o.Key)
		if o.Secret {
			v = Mask(o.Key, v)
		}
		out = append(out, Setting{Key: o.Key, Value: v, Source: src, Secret: o.Secret})
	}
	return out
}

// CheckKey checks a profile key, suggesting close ones.
func CheckKey(key string) error {
	if o, ok := Lookup(key); ok && o.InFile {
		return nil
	}
	msg := fmt.Sprintf("unknown config key %q", key)
	if s := suggest.Closest(key, FileKeys()); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return fmt.Errorf("%s (keys: %s)", msg, strings.Join(FileKeys(), ", "))
}

// UseProfile makes name the active profile; it must exist.
func (c *Config) UseProfile(name string) error {
	name = strings.ToLower(name)
	if _, ok := c.File.Profiles[name]; !ok {
		return c.noProfile(name)
	}
	return c.change(func(f *File) error {
		if _, ok := f.Profiles[name]; !ok {
			return fmt.Errorf("profile %q no longer exists", name)
		}
		f.ActiveProfile = name
		return nil
	})
}

// DeleteProfile removes a profile (and the active mark when it had it).
func (c *Config) DeleteProfile(name string) error {
	name = strings.ToLower(name)
	if _, ok := c.File.Profiles[name]; !ok {
		return c.noProfile(name)
	}
	return c.change(func(f *File) error {
		delete(f.Profiles, name)
		if f.ActiveProfile == name {
			f.ActiveProfile = ""
		}
		return nil
	})
}

func (c *Config) noProfile(name string) error {
	msg := fmt.Sprintf("profile %q does not exist in %s", name, c.Path)
	if s := suggest.Closest(name, c.File.ProfileNames()); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return fmt.Errorf("%s", msg)
}
