package instancecmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api/apitest"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/ui"
)

// sshCloud answers RMS with four instances: one with an EIP in RMS, one
// whose EIP only the server (ECS) shows, one without any, one whose EIP is
// an ssh option; and ECS for the servers named in ecs (suffixes "8013",
// "8014") only.
func sshCloud(t *testing.T, ecs ...string) *apitest.Registry {
	entry := func(id, name, eip string) string {
		res := fmt.Sprintf(`{"logical_resource_type":"huaweicloudinternal_ecs_instance","physical_resource_id":"srv-%s"}`, id)
		if eip != "" {
			res += fmt.Sprintf(`,{"logical_resource_type":"huaweicloudinternal_eip","physical_resource_id":"e","resource_attributes":[{"key":"public_ip_address","value":"%s"}]}`, eip)
		}
		return fmt.Sprintf(`{"id":"%s","name":"%s","region_id":"ap-southeast-3","project_id":"p3","properties":{"status":"RUNNING","resources":[%s]}}`, id, name, res)
	}
	servers := map[string]string{
		"8013": `{"server":{"id":"srv-6743d0e3708be6007b8c8013","status":"ACTIVE","addresses":{"n":[{"version":"6","addr":"2001:db8::7","OS-EXT-IPS:type":"floating"}]}}}`,
		"8014": `{"server":{"id":"srv-6743d0e3708be6007b8c8014","status":"BUILD","addresses":{}}}`,
	}
	reg := apitest.New(t)
	reg.Register(apitest.REST("GET", "/v1/resource-manager/domains/d/all-resources"), apitest.String(200, fmt.Sprintf(`{"resources":[%s,%s,%s,%s],"page_info":{"next_marker":null}}`,
		entry("6743d0e3708be6007b8c8012", "web-1", "203.0.113.7"), entry("6743d0e3708be6007b8c8013", "ecs-ip", ""),
		entry("6743d0e3708be6007b8c8014", "no-ip", ""), entry("6743d0e3708be6007b8c8015", "evil", "-oProxyCommand=sh")))).Persist()
	for _, id := range ecs {
		reg.Register(apitest.REST("GET", "/v1/p3/cloudservers/srv-6743d0e3708be6007b8c"+id), apitest.String(200, servers[id])).Persist()
	}
	return reg
}

// fakeSSHOnPath puts an executable named ssh first on PATH.
func fakeSSHOnPath(t *testing.T) string {
	if runtime.GOOS == "windows" {
		t.Skip("a shell script as ssh")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "ssh")
	if err := os.WriteFile(path, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	return path
}

func runSSH(t *testing.T, reg *apitest.Registry, opts *SSHOptions) (argv []string, path string, err error) {
	io, _, _, errOut := ui.Test()
	env := map[string]string{"FLEXUSL_TOKEN": "t", "FLEXUSL_DOMAIN_ID": "d",
		"FLEXUSL_CONFIG": filepath.Join(t.TempDir(), "c.yaml"), "XDG_CACHE_HOME": t.TempDir(), "FLEXUSL_MAX_RETRIES": "0"}
	f := &cmdutil.Factory{IO: io, Getenv: func(k string) string { return env[k] }, HTTPClient: reg.HTTPClient}
	opts.Exec = func(p string, a []string) error { path, argv = p, a; return nil }
	opts.NoFirewallCheck = true // the check is tested end to end (testdata/script/firewall_ssh.txtar)
	if opts.User == "" {
		opts.User = "root"
	}
	err = sshRun(context.Background(), f, opts)
	if strings.Contains(errOut.String(), "Error") {
		t.Errorf("sshRun printed an error itself: %s", errOut)
	}
	return argv, path, err
}

func TestSSHRunsSystemSSH(t *testing.T) {
	sshPath := fakeSSHOnPath(t)
	reg := sshCloud(t, "8013")
	argv, path, err := runSSH(t, reg, &SSHOptions{Instance: "web-1", SSHArgs: []string{"-p", "2222", "uptime"}})
	if err != nil || path != sshPath || strings.Join(argv, " ") != "ssh root@203.0.113.7 -p 2222 uptime" {
		t.Fatalf("%v %s %q", err, path, argv)
	}
	if len(reg.Requests()) != 1 { // RMS lists the EIP: ECS is not asked
		t.Errorf("%v", reg.Requests())
	}
	// RMS lists no EIP: the server's floating address (IPv6 here).
	argv, _, err = runSSH(t, reg, &SSHOptions{Instance: "6743d0e3708be6007b8c8013", User: "ubuntu"})
	if err != nil || strings.Join(argv, " ") != "ssh ubuntu@2001:db8::7" {
		t.Fatalf("%v %q", err, argv)
	}
}

func TestSSHErrors(t *testing.T) {
	fakeSSHOnPath(t)
	reg := sshCloud(t, "8014")
	tests := []struct {
		opts SSHOptions
		code int
		err  string
	}{
		{SSHOptions{Instance: "no-ip"}, 1, "instance no-ip (6743d0e3708be6007b8c8014) in ap-southeast-3 has no public IP (status RUNNING); see: flexusl instance show 6743d0e3708be6007b8c8014"},
		{SSHOptions{Instance: "evil"}, 1, `the public IP "-oProxyCommand=sh" is not an IP address`},
		{SSHOptions{Instance: "nosuch"}, 2, `no instance with ID or name "nosuch"`},
		{SSHOptions{Instance: "web-1", User: "-oProxyCommand=x"}, 2, "must not start with -"},
		{SSHOptions{Instance: "web-1", User: "a@b"}, 2, "no spaces, @, : or /"},
	}
	for _, tt := range tests {
		argv, _, err := runSSH(t, reg, &tt.opts)
		if exitcode.Of(err) != tt.code || err == nil || !strings.Contains(err.Error(), tt.err) || argv != nil {
			t.Errorf("%+v: exit %d %v, ran %q", tt.opts, exitcode.Of(err), err, argv)
		}
	}
	// No ssh on PATH: exit 1 before anything is sent.
	t.Setenv("PATH", t.TempDir())
	n := len(reg.Requests())
	_, _, err := runSSH(t, reg, &SSHOptions{Instance: "web-1"})
	if exitcode.Of(err) != 1 || !strings.Contains(fmt.Sprint(err), "no ssh client on PATH") || len(reg.Requests()) != n {
		t.Errorf("%v", err)
	}
}

// Arguments: an ID|NAME first; the rest goes to ssh untouched.
func TestSSHArgs(t *testing.T) {
	io, _, _, _ := ui.Test()
	f := &cmdutil.Factory{IO: io, Getenv: func(string) string { return "" }}
	var got *SSHOptions
	c := NewCmdSSH(f, func(o *SSHOptions) error { got = o; return nil })
	c.SetArgs([]string{"web-1", "--user", "ubuntu", "--", "-i", "key", "--", "ls", "-l"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Instance != "web-1" || got.User != "ubuntu" || strings.Join(got.SSHArgs, " ") != "-i key -- ls -l" {
		t.Errorf("%+v", got)
	}
	// A remote command may follow the instance directly.
	c = NewCmdSSH(f, func(o *SSHOptions) error { got = o; return nil })
	c.SetArgs([]string{"web-1", "uptime"})
	if err := c.Execute(); err != nil || got.Instance != "web-1" || strings.Join(got.SSHArgs, " ") != "uptime" {
		t.Errorf("%+v %v", got, err)
	}
	for _, args := range [][]string{{}, {"--", "web-1"}} {
		c := NewCmdSSH(f, func(o *SSHOptions) error { return nil })
		c.SetArgs(args)
		c.SilenceErrors, c.SilenceUsage = true, true
		if err := c.Execute(); exitcode.Of(err) != 2 {
			t.Errorf("%q: %v", args, err)
		}
	}
}
