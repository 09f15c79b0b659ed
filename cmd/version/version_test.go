package versioncmd_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
)

type result struct {
	out, err string
	code     int
}

// run runs the command tree in-process with test streams and only the
// environment given (plus a config path in a temp dir).
func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	r := cmdtest.Run(t, cmdtest.Options{Env: env}, args...)
	return result{r.Out, r.Err, r.Code}
}

func TestVersionJSON(t *testing.T) {
	r := run(t, nil, "version", "-o", "json")
	var v map[string]string
	if err := json.Unmarshal([]byte(r.out), &v); err != nil || v["version"] == "" || v["commit"] == "" || !strings.HasPrefix(v["go_version"], "go") {
		t.Errorf("%v %v", v, err)
	}
}
