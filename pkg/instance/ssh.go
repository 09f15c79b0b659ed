package instance

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// DefaultSSHUser is the login `instance ssh` uses without --user.
const DefaultSSHUser = "root"

// CheckSSHUser accepts a login name of ASCII letters, digits, ".", "_" and
// "-", not starting with "-": nothing ssh could read as an option, a host
// or a token to expand.
func CheckSSHUser(u string) error {
	switch {
	case u == "":
		return fmt.Errorf("--user is empty")
	case len(u) > 64:
		return fmt.Errorf("--user %.20q...: at most 64 characters", u)
	case strings.HasPrefix(u, "-"):
		return fmt.Errorf("--user %q: must not start with -", u)
	}
	for _, r := range u {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("--user %q: letters, digits, . _ - only (no spaces, @, : or /)", u)
		}
	}
	return nil
}

// SSHArgv is the command line `instance ssh` runs: ssh, the destination
// user@IP, then the user's extra arguments (OpenSSH reads options after
// the destination too, and the first non-option starts the remote
// command). ip must be an IP address: text from a server never reaches
// ssh as an option.
func SSHArgv(user, ip string, extra []string) ([]string, error) {
	if err := CheckSSHUser(user); err != nil {
		return nil, err
	}
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Zone() != "" {
		return nil, fmt.Errorf("the public IP %q is not an IP address", ip)
	}
	return append([]string{"ssh", user + "@" + a.String()}, extra...), nil
}

// SSHPort is the port ssh will connect to with the user's extra
// arguments: -p N, -pN, -o Port=N or -oPort=N (the last one wins), else
// 22. Arguments after the first that is not an option (the remote
// command) are not read.
func SSHPort(extra []string) int {
	port := 22
	set := func(s string) {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 1 && n <= 65535 {
			port = n
		}
	}
	for i := 0; i < len(extra); i++ {
		a := extra[i]
		if !strings.HasPrefix(a, "-") {
			break
		}
		next := ""
		if i+1 < len(extra) {
			next = extra[i+1]
		}
		switch {
		case a == "-p":
			set(next)
			i++
		case strings.HasPrefix(a, "-p"):
			set(a[2:])
		case a == "-o":
			if k, v, ok := cutOption(next); ok && strings.EqualFold(k, "port") {
				set(v)
			}
			i++
		case strings.HasPrefix(a, "-o"):
			if k, v, ok := cutOption(a[2:]); ok && strings.EqualFold(k, "port") {
				set(v)
			}
		case len(a) == 2 && strings.ContainsRune("bcDEeFIiJLlmOQRSWw", rune(a[1])):
			i++ // an option that takes a value
		}
	}
	return port
}

// cutOption splits an ssh -o option: "Port=2222" or "Port 2222".
func cutOption(s string) (string, string, bool) {
	if k, v, ok := strings.Cut(s, "="); ok {
		return k, v, true
	}
	return strings.Cut(strings.TrimSpace(s), " ")
}
