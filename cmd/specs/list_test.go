package specscmd_test

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

func TestSpecsListIssueCases(t *testing.T) {
	r := run(t, nil, "specs", "list", "--image", "GitLab", "--image-version", "16.9.3", "-o", "json")
	var specs []map[string]any
	if err := json.Unmarshal([]byte(r.out), &specs); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range specs {
		got = append(got, s["code"].(string))
	}
	if strings.Join(got, " ") != "hf.large.4.30m.linux hf.xlarge.2.30m.linux hf.xlarge.4.30m.linux" {
		t.Errorf("GitLab specs = %v", got)
	}
	keys := []string{"code", "os", "vcpus", "memory_gib", "system_disk_gib", "peak_bandwidth_mbit_s", "data_package_gb"}
	for _, k := range keys {
		if _, ok := specs[0][k]; !ok {
			t.Errorf("JSON key %s missing", k)
		}
	}

	r = run(t, nil, "specs", "list", "--image", "CentOS", "--image-version", "8.2", "--region", "tr-west-1")
	if r.code != 2 || r.out != "" || !strings.Contains(r.err, "CentOS 8.2 is not offered in tr-west-1 (TR-Istanbul)") {
		t.Errorf("CentOS 8.2 in Istanbul: %+v", r)
	}

	r = run(t, nil, "specs", "list", "--image", "Debian", "--image-version", "11.1", "--region", "ap-southeast-1", "-o", "json")
	if r.code != 0 || !strings.Contains(r.out, `"hf.large.025.30m.linux"`) || !strings.Contains(r.out, `"memory_gib": 0.5`) {
		t.Errorf("Debian 11.1 HK: %+v", r)
	}
	r = run(t, nil, "specs", "list", "--image", "Debian", "--image-version", "11.1", "--region", "ap-southeast-2", "-o", "json")
	if r.code != 0 || strings.Contains(r.out, "hf.large.025") {
		t.Errorf("Debian 11.1 Bangkok: %+v", r)
	}
}
