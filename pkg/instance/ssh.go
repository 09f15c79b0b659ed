package instance

import (
	"fmt"
	"net/netip"
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
