package specscmd_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
)

func TestSpecsListIssueCases(t *testing.T) {
	r := cmdtest.RunEnv(t, nil, "specs", "list", "--image", "GitLab", "--image-version", "16.9.3", "-o", "json")
	var specs []map[string]any
	if err := json.Unmarshal([]byte(r.Out), &specs); err != nil {
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

	r = cmdtest.RunEnv(t, nil, "specs", "list", "--image", "CentOS", "--image-version", "8.2", "--region", "tr-west-1")
	if r.Code != 2 || r.Out != "" || !strings.Contains(r.Err, "CentOS 8.2 is not offered in tr-west-1 (TR-Istanbul)") {
		t.Errorf("CentOS 8.2 in Istanbul: %+v", r)
	}

	r = cmdtest.RunEnv(t, nil, "specs", "list", "--image", "Debian", "--image-version", "11.1", "--region", "ap-southeast-1", "-o", "json")
	if r.Code != 0 || !strings.Contains(r.Out, `"hf.large.025.30m.linux"`) || !strings.Contains(r.Out, `"memory_gib": 0.5`) {
		t.Errorf("Debian 11.1 HK: %+v", r)
	}
	r = cmdtest.RunEnv(t, nil, "specs", "list", "--image", "Debian", "--image-version", "11.1", "--region", "ap-southeast-2", "-o", "json")
	if r.Code != 0 || strings.Contains(r.Out, "hf.large.025") {
		t.Errorf("Debian 11.1 Bangkok: %+v", r)
	}
}
