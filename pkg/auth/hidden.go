package auth

import (
	"fmt"
	"strings"

	"github.com/flexusl/flexusl/pkg/config"
)

// HiddenCredential says when the environment hides a credential stored in
// the profile (FLEXUSL_TOKEN over a stored token, an access key in the
// environment over a stored token, ...), else "". getenv is the
// environment cfg was loaded with.
func HiddenCredential(cfg *config.Config, getenv func(string) string) string {
	fileOnly, err := config.Load(config.Inputs{Flags: map[string]string{config.KeyConfig: cfg.Path, config.KeyProfile: cfg.Profile()}, Getenv: func(string) string { return "" }})
	if err != nil {
		return ""
	}
	stored, err := FromConfig(fileOnly)
	if err != nil {
		return "" // nothing usable stored
	}
	fromEnv := func(key string) bool { _, src := cfg.Resolve(key); return src == config.SourceEnv }
	var vars []string
	for _, k := range []string{config.KeyAuthMode, config.KeyToken, config.KeyAccessKey, config.KeySecretKey} {
		if !fromEnv(k) {
			continue
		}
		o, _ := config.Lookup(k)
		for _, e := range o.Env {
			if getenv(e) != "" {
				vars = append(vars, e)
				break
			}
		}
	}
	if len(vars) == 0 {
		return ""
	}
	used, err := FromConfig(cfg)
	hidden := err != nil || used.Mode != stored.Mode ||
		(used.Mode == ModeToken && fromEnv(config.KeyToken)) ||
		(used.Mode == ModeAKSK && fromEnv(config.KeyAccessKey))
	if !hidden {
		return ""
	}
	what := "token"
	if stored.Mode == ModeAKSK {
		what = "access key"
	}
	set := strings.Join(vars, " and ") + " is set"
	if len(vars) > 1 {
		set = strings.Join(vars, " and ") + " are set"
	}
	return fmt.Sprintf("the %s stored in profile %q is not used: %s in the environment, which wins over the profile (unset %s to use the stored %s)",
		what, cfg.Profile(), set, strings.Join(vars, " and "), what)
}
