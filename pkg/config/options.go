// Package config declares every flexusl option once (key, flag, environment
// variables, default, whether it is a secret), reads the profiles file and
// resolves each option with one precedence rule: flag > environment >
// profile > default. It writes the file itself, atomically and 0600, and only
// ever writes values that were put into the file: never values that came
// from flags or the environment.
package config

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flexusl/flexusl/pkg/service"
)

// Option is one setting. Key is its name in a profile and in `config set`.
type Option struct {
	Key     string
	Flag    string   // global flag name; "" when it has none (secrets never have one)
	Env     []string // environment variables, the first set one wins
	Default string
	Secret  bool   // masked everywhere it is shown
	InFile  bool   // may be stored in a profile
	Usage   string // one line for help and `config list`
	Check   func(string) error
}

// Option keys used by code.
const (
	KeyProfile        = "profile"
	KeyConfig         = "config"
	KeyRegion         = "region"
	KeyOutput         = "output"
	KeyDebug          = "debug"
	KeyCatalogFile    = "catalog_file"
	KeyAuthMode       = "auth_mode"
	KeyToken          = "token"
	KeyTokenExpiresAt = "token_expires_at"
	KeyTokenRegion    = "token_region"
	KeyTokenAccount   = "token_account"
	KeyTokenUser      = "token_user"
	KeyDomainToken    = "domain_token"
	KeyDomainTokenExp = "domain_token_expires_at"
	KeyRegionTokens   = "region_tokens"
	KeyAccessKey      = "access_key"
	KeySecretKey      = "secret_key"
	KeySecurityToken  = "security_token"
	KeyProjectID      = "project_id"
	KeyDomainID       = "domain_id"
	KeyMaxRetries     = "max_retries"
	KeyTimeout        = "timeout"
	KeyCABundle       = "ca_bundle"
)

// DefaultProfile is the profile used when none is chosen.
const (
	DefaultProfile = "default"
)

// Options is the registry: the one place each option is declared. The
// endpoint options come from the service table (pkg/service), after the
// general options and before the file and credential ones. It is put
// together on first use.
var Options = sync.OnceValue(func() []Option { return slices.Concat(generalOptions, endpointOptions(), fileOptions) })

// generalOptions choose the file, the profile, the region and the output.
var generalOptions = []Option{
	{Key: KeyProfile, Flag: "profile", Env: []string{"FLEXUSL_PROFILE"}, Default: DefaultProfile, Usage: "profile to use (default: the config file's active_profile, else \"default\")", Check: CheckProfileName},
	{Key: KeyConfig, Flag: "config", Env: []string{"FLEXUSL_CONFIG"}, Usage: "config file (default $XDG_CONFIG_HOME/flexusl/config.yaml)"},
	{Key: KeyRegion, Flag: "region", Env: []string{"FLEXUSL_REGION"}, InFile: true, Usage: "region, e.g. ap-southeast-3"},
	{Key: KeyOutput, Flag: "output", Env: []string{"FLEXUSL_OUTPUT"}, Default: "table", InFile: true, Usage: "output format: table, json or yaml", Check: checkOutput},
	{Key: KeyDebug, Flag: "debug", Env: []string{"FLEXUSL_DEBUG"}, Default: "false", Usage: "log HTTP requests and responses to stderr (secrets redacted)", Check: checkBool},
}

// endpointOptions are one option per service of the service table.
func endpointOptions() []Option {
	out := make([]Option, 0, len(service.Services))
	for _, s := range service.Services {
		out = append(out, Option{Key: s.Key, Flag: s.Flag, Env: []string{s.Env}, Default: s.Default, InFile: true, Usage: s.Usage, Check: CheckEndpoint})
	}
	return out
}

// fileOptions are the catalog, the credentials and the request settings.
var fileOptions = []Option{
	{Key: KeyCatalogFile, Flag: "catalog", Env: []string{"FLEXUSL_CATALOG_FILE"}, InFile: true, Usage: "catalog file to use instead of the embedded one"},
	{Key: KeyAuthMode, Env: []string{"FLEXUSL_AUTH_MODE"}, InFile: true, Usage: "token or aksk (inferred when only one set of credentials is present)", Check: checkAuthMode},
	{Key: KeyToken, Env: []string{"FLEXUSL_TOKEN"}, Secret: true, InFile: true, Usage: "IAM token sent as X-Auth-Token (flexusl auth login stores one)"},
	{Key: KeyTokenExpiresAt, InFile: true, Usage: "when the stored token expires (RFC 3339)", Check: checkTime},
	{Key: KeyTokenRegion, InFile: true, Usage: "the region the stored token is scoped to"},
	{Key: KeyTokenAccount, InFile: true, Usage: "the account (domain) name the stored token was issued to"},
	{Key: KeyTokenUser, InFile: true, Usage: "the IAM user name the stored token was issued to"},
	{Key: KeyDomainToken, Secret: true, InFile: true, Usage: "account-scoped IAM token (flexusl auth login stores one; exchanged for other regions' tokens)"},
	{Key: KeyDomainTokenExp, InFile: true, Usage: "when the stored account-scoped token expires (RFC 3339)", Check: checkTime},
	{Key: KeyRegionTokens, Secret: true, InFile: true, Usage: "tokens of other regions than token_region, with their expiry (JSON; flexusl stores them)", Check: checkRegionTokens},
	{Key: KeyAccessKey, Env: []string{"FLEXUSL_ACCESS_KEY", "HUAWEICLOUD_SDK_AK"}, Secret: true, InFile: true, Usage: "access key ID for AK/SK signing"},
	{Key: KeySecretKey, Env: []string{"FLEXUSL_SECRET_KEY", "HUAWEICLOUD_SDK_SK"}, Secret: true, InFile: true, Usage: "secret access key for AK/SK signing"},
	{Key: KeySecurityToken, Env: []string{"FLEXUSL_SECURITY_TOKEN", "HUAWEICLOUD_SDK_SECURITY_TOKEN"}, Secret: true, InFile: true, Usage: "security token of temporary AK/SK credentials"},
	{Key: KeyProjectID, Env: []string{"FLEXUSL_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID"}, InFile: true, Usage: "project ID of the region (looked up through IAM when not set)"},
	{Key: KeyDomainID, Env: []string{"FLEXUSL_DOMAIN_ID", "HUAWEICLOUD_SDK_DOMAIN_ID"}, InFile: true, Usage: "account (domain) ID (looked up through IAM when not set)"},
	{Key: KeyMaxRetries, Env: []string{"FLEXUSL_MAX_RETRIES"}, Default: "3", InFile: true, Usage: "retries of a request that provably did not reach the server (0-10)", Check: checkMaxRetries},
	{Key: KeyTimeout, Env: []string{"FLEXUSL_TIMEOUT"}, Default: "60s", InFile: true, Usage: "timeout of one HTTP request", Check: checkDuration},
	{Key: KeyCABundle, Env: []string{"FLEXUSL_CA_BUNDLE"}, InFile: true, Usage: "PEM file of extra CA certificates (company TLS proxies)"},
}

// Lookup finds an option by key.
func Lookup(key string) (Option, bool) {
	for _, o := range Options() {
		if o.Key == key {
			return o, true
		}
	}
	return Option{}, false
}

// FileKeys lists the keys a profile may hold, in registry order.
func FileKeys() []string {
	var out []string
	for _, o := range Options() {
		if o.InFile {
			out = append(out, o.Key)
		}
	}
	return out
}

// IsSecret reports whether key names a secret.
func IsSecret(key string) bool {
	o, ok := Lookup(key)
	return ok && o.Secret
}

// Mask shows a secret without giving it away: access keys keep their first
// and last four characters (AKID****WXYZ), everything else is "****".
func Mask(key, value string) string {
	if value == "" {
		return ""
	}
	if key == KeyAccessKey && len(value) >= 12 {
		return value[:4] + "****" + value[len(value)-4:]
	}
	return "****"
}

// CheckEndpoint accepts an https URL, or an http URL whose host is
// loopback, without user information: credentials never travel in an
// endpoint. Its errors never show what stood before an '@' (a password):
// see RedactURL. A "{region}" in the host stands for each call's region.
func CheckEndpoint(s string) error {
	shown := RedactURL(s)
	if strings.Contains(s, "@") {
		return fmt.Errorf("%q carries user information (user:password@): endpoints must not hold credentials; use flexusl auth login, the environment or the profile", shown)
	}
	u, err := url.Parse(strings.ReplaceAll(s, "{region}", "region"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%q is not an http(s) URL such as https://hcss.ap-southeast-3.myhuaweicloud.com", shown)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("%q uses plain http to a host that is not loopback; use https", shown)
	}
	return nil
}

// RedactURL hides the user information of a URL, well-formed or not:
// everything between the scheme's "//" (or the start) and the last '@'
// becomes "****", so "http://user:PASS@host" reads "http://****@host".
func RedactURL(s string) string {
	at := strings.LastIndex(s, "@")
	if at < 0 {
		return s
	}
	start := 0
	if i := strings.Index(s, "://"); i >= 0 && i < at {
		start = i + 3
	}
	return s[:start] + "****" + s[at:]
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckProfileName accepts names of letters, digits, '_' and '-'. Profile
// names are case-insensitive (stored lower-case).
func CheckProfileName(s string) error {
	if s == "" || len(s) > 64 {
		return fmt.Errorf("profile name must be 1-64 characters")
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || (i > 0 && (r == '_' || r == '-'))
		if !ok {
			return fmt.Errorf("profile name %q: use letters, digits, '_' and '-', starting with a letter or digit", s)
		}
	}
	return nil
}

// The checks are plain functions, not closures made by calls, so that the
// compiler lays the option rows out statically: the only work at program
// start is joining them with the six endpoint rows.

func checkOutput(s string) error { // any case, and yml: output.ParseFormat reads them
	if strings.EqualFold(s, "yml") {
		return nil
	}
	return oneOf(strings.ToLower(s), "table", "json", "yaml")
}
func checkAuthMode(s string) error   { return oneOf(s, "token", "aksk") }
func checkMaxRetries(s string) error { return intRange(s, 0, 10) }

func oneOf(s string, allowed ...string) error {
	if !slices.Contains(allowed, s) {
		return fmt.Errorf("%q is not one of %s", s, strings.Join(allowed, ", "))
	}
	return nil
}

func intRange(s string, lo, hi int) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return fmt.Errorf("%q is not a whole number from %d to %d", s, lo, hi)
	}
	return nil
}

func checkBool(s string) error {
	if _, err := strconv.ParseBool(s); err != nil {
		return fmt.Errorf("%q is not true or false", s)
	}
	return nil
}

func checkDuration(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return fmt.Errorf("%q is not a positive duration such as 60s or 2m", s)
	}
	return nil
}

func checkTime(s string) error {
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		return fmt.Errorf("%q is not an RFC 3339 time", s)
	}
	return nil
}

// Reference describes every option (key, flag, environment, default) and
// the precedence, for `flexusl help config`.
func Reference() string {
	var b strings.Builder
	b.WriteString("Precedence for every option: flag > environment > profile > default.\n")
	b.WriteString("The file: $FLEXUSL_CONFIG, else $XDG_CONFIG_HOME/flexusl/config.yaml, else\n~/.config/flexusl/config.yaml; it holds active_profile and profiles.NAME.KEY.\n\nKeys:\n")
	for _, o := range Options() {
		if !o.InFile {
			continue
		}
		var where []string
		if o.Flag != "" {
			where = append(where, "--"+o.Flag)
		}
		for _, e := range o.Env {
			where = append(where, "$"+e)
		}
		if o.Secret {
			where = append(where, "secret")
		}
		if o.Default != "" {
			where = append(where, "default "+o.Default)
		}
		fmt.Fprintf(&b, "  %-17s %s", o.Key, o.Usage)
		if len(where) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(where, ", "))
		}
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
