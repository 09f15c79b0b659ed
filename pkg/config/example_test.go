package config

import (
	"os"
	"testing"
)

// The documented example must parse and hold only known keys.
func TestExampleConfigParses(t *testing.T) {
	data, err := os.ReadFile("../../configs/config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseFile(data)
	if err != nil {
		t.Fatal(err)
	}
	if f.ActiveProfile != "default" || f.Profiles["sandbox"]["endpoint"] != "http://127.0.0.1:8089" {
		t.Errorf("%+v", f)
	}
	for name, p := range f.Profiles {
		for k, v := range p {
			o, ok := Lookup(k)
			if !ok || !o.InFile {
				t.Errorf("profile %s: unknown key %s", name, k)
			}
			if o.Check != nil {
				if err := o.Check(v); err != nil {
					t.Errorf("profile %s: %v", name, err)
				}
			}
		}
	}
}
