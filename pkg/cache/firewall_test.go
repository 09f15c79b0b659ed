package cache

import (
	"os"
	"path/filepath"
	"testing"
)

// A listing replaces the rules of the groups it read; a complete one
// drops the region's groups it did not see; the file is 0600.
func TestUpdateFirewall(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flexusl", "firewall.json")
	g1, g2 := Group{ID: "g1", Name: "sg-default-smb", Region: "r"}, Group{ID: "g2", Name: "extra", Region: "r"}
	if err := UpdateFirewall(path, "r", []Group{g1, g2}, []Rule{{ID: "a", GroupID: "g1"}, {ID: "b", GroupID: "g2"}}, true); err != nil {
		t.Fatal(err)
	}
	// g1 read again with another rule: a is gone, b (g2, not read) stays.
	if err := UpdateFirewall(path, "r", []Group{g1}, []Rule{{ID: "c", GroupID: "g1"}}, false); err != nil {
		t.Fatal(err)
	}
	gs, rs, err := ReadFirewall(path)
	if err != nil || len(gs) != 2 || len(rs) != 2 || rs[0].ID != "c" || rs[1].ID != "b" {
		t.Fatalf("%+v %+v %v", gs, rs, err)
	}
	// A complete listing of the region without g2 drops it and its rules.
	if err := UpdateFirewall(path, "r", []Group{g1}, []Rule{{ID: "c", GroupID: "g1"}}, true); err != nil {
		t.Fatal(err)
	}
	gs, rs, _ = ReadFirewall(path)
	if len(gs) != 1 || len(rs) != 1 {
		t.Errorf("%+v %+v", gs, rs)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %o", st.Mode().Perm())
	}
	if err := os.WriteFile(path, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadFirewall(path); err == nil {
		t.Error("a broken cache read without error")
	}
}
