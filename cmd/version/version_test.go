package versioncmd_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
)

func TestVersionJSON(t *testing.T) {
	r := cmdtest.RunEnv(t, nil, "version", "-o", "json")
	var v map[string]string
	if err := json.Unmarshal([]byte(r.Out), &v); err != nil || v["version"] == "" || v["commit"] == "" || !strings.HasPrefix(v["go_version"], "go") {
		t.Errorf("%v %v", v, err)
	}
}
