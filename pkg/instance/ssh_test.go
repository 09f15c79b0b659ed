package instance

import (
	"strings"
	"testing"
)

func TestSSHArgv(t *testing.T) {
	tests := []struct {
		user, ip string
		extra    []string
		want     string
		err      string
	}{
		{"root", "203.0.113.7", nil, "ssh root@203.0.113.7", ""},
		{"ubuntu", "203.0.113.7", []string{"-i", "k", "uptime"}, "ssh ubuntu@203.0.113.7 -i k uptime", ""},
		{"root", "2001:db8::7", nil, "ssh root@2001:db8::7", ""},
		{"root", "::ffff:203.0.113.7", nil, "ssh root@::ffff:203.0.113.7", ""},
		{"root", "-oProxyCommand=sh", nil, "", "is not an IP address"},
		{"root", "203.0.113.7 -v", nil, "", "is not an IP address"},
		{"root", "fe80::1%eth0", nil, "", "is not an IP address"},
		{"root", "", nil, "", "is not an IP address"},
		{"", "203.0.113.7", nil, "", "--user is empty"},
		{"-l", "203.0.113.7", nil, "", "must not start with -"},
		{"a b", "203.0.113.7", nil, "", "no spaces"},
		{"a@b", "203.0.113.7", nil, "", "no spaces, @"},
		{strings.Repeat("u", 65), "203.0.113.7", nil, "", "at most 64"},
	}
	for _, tt := range tests {
		argv, err := SSHArgv(tt.user, tt.ip, tt.extra)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || argv != nil {
				t.Errorf("%q %q: %v %q", tt.user, tt.ip, err, argv)
			}
			continue
		}
		if err != nil || strings.Join(argv, " ") != tt.want {
			t.Errorf("%q %q: %v %q", tt.user, tt.ip, err, argv)
		}
	}
}

// Whatever the server says the IP is and whatever --user is, ssh never
// gets an option where the destination goes, nor a destination with more
// than the user and the address.
func FuzzSSHArgv(f *testing.F) {
	for _, s := range []string{"203.0.113.7", "2001:db8::7", "-oProxyCommand=sh", "203.0.113.7 -v", "", "::ffff:1.2.3.4", "1.2.3.4%eth0"} {
		f.Add("root", s)
		f.Add("-l", s)
	}
	f.Fuzz(func(t *testing.T, user, ip string) {
		argv, err := SSHArgv(user, ip, []string{"-v"})
		if err != nil {
			return
		}
		dest := argv[1]
		u, addr, ok := strings.Cut(dest, "@")
		if len(argv) != 3 || argv[0] != "ssh" || !ok || u != user || strings.HasPrefix(dest, "-") ||
			strings.ContainsAny(dest, " \t\n%/") || strings.Contains(addr, "@") {
			t.Fatalf("%q %q -> %q", user, ip, argv)
		}
	})
}

// The port ssh will use, read from its arguments as ssh reads them.
func TestSSHPort(t *testing.T) {
	tests := []struct {
		args []string
		port int
	}{
		{nil, 22},
		{[]string{"-p", "2222"}, 2222},
		{[]string{"-p2222", "uptime"}, 2222},
		{[]string{"-o", "Port=2200"}, 2200},
		{[]string{"-oPort=2201"}, 2201},
		{[]string{"-o", "Port 2202"}, 2202},
		{[]string{"-i", "-p", "-p", "2203"}, 2203}, // -i takes "-p" as its value
		{[]string{"uptime", "-p", "2222"}, 22},     // the remote command's own flags
		{[]string{"-p", "99999"}, 22},
		{[]string{"-v", "-p", "2204"}, 2204},
	}
	for _, tt := range tests {
		if got := SSHPort(tt.args); got != tt.port {
			t.Errorf("%q: %d, want %d", tt.args, got, tt.port)
		}
	}
}
