package configcmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
)

// An endpoint with user information, or a malformed one, is refused with
// exit 2 and the password is never echoed: flag, environment, config set.
func TestEndpointWithPasswordIsRefusedUnechoed(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	for _, tc := range []struct {
		env  map[string]string
		args []string
	}{
		{nil, []string{"regions", "list", "--endpoint", "http://user:S3CRET@127.0.0.1:1"}},
		{nil, []string{"regions", "list", "--bss-endpoint", "http://user:S3CRET@[::1"}},
		{map[string]string{"FLEXUSL_IAM_ENDPOINT": "https://u:S3CRET@iam.example.com:port"}, []string{"regions", "list"}},
		{map[string]string{"FLEXUSL_CONFIG": cfg}, []string{"config", "set", "endpoint", "https://u:S3CRET@h.example.com"}},
	} {
		r := cmdtest.RunEnv(t, tc.env, tc.args...)
		if r.Code != 2 || strings.Contains(r.Out+r.Err, "S3CRET") || !strings.Contains(r.Err, "****@") {
			t.Errorf("%v: %+v", tc.args, r)
		}
	}
	if _, err := os.Stat(cfg); err == nil {
		t.Error("config set wrote the file")
	}
}

// An existing config directory open to others is closed to 0700.
func TestConfigDirIsTightened(t *testing.T) {
	xdg := t.TempDir()
	dir := filepath.Join(xdg, "flexusl")
	os.MkdirAll(dir, 0o755)
	os.Chmod(dir, 0o755)
	r := cmdtest.RunEnv(t, map[string]string{"XDG_CONFIG_HOME": xdg, "FLEXUSL_CONFIG": ""}, "config", "set", "region", "ap-southeast-3")
	if r.Code != 0 {
		t.Fatalf("%+v", r)
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %04o", st.Mode().Perm())
	}
	// Reading is enough: a directory loosened later is closed again.
	os.Chmod(dir, 0o750)
	if r := cmdtest.RunEnv(t, map[string]string{"XDG_CONFIG_HOME": xdg, "FLEXUSL_CONFIG": ""}, "config", "get", "region"); r.Code != 0 || r.Out != "ap-southeast-3\n" {
		t.Fatalf("%+v", r)
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("dir mode after a read %04o", st.Mode().Perm())
	}
}
