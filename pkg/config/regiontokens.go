package config

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// isRegionName reports whether s is 1-64 lower-case letters, digits and
// '-', starting with a letter or digit. A plain loop, not a regexp
// compiled at start-up: pkg/config is loaded by every run.
func isRegionName(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// RegionToken is one region's stored IAM token and when it expires.
type RegionToken struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// ParseRegionTokens reads the region_tokens value: a JSON object of
// region -> {token, expires_at}. "" is no tokens. The error never quotes
// the value (it holds secrets).
func ParseRegionTokens(s string) (map[string]RegionToken, error) {
	out := map[string]RegionToken{}
	if s == "" {
		return out, nil
	}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("not a JSON object of region -> {\"token\", \"expires_at\"}")
	}
	for r, t := range out {
		if !isRegionName(r) {
			return nil, fmt.Errorf("%q is not a region name (lower-case letters, digits and '-')", r)
		}
		if t.Token == "" || t.ExpiresAt.IsZero() {
			return nil, fmt.Errorf("region %s: a token and an expires_at are required", r)
		}
	}
	return out, nil
}

// FormatRegionTokens is ParseRegionTokens' inverse (regions in order).
func FormatRegionTokens(m map[string]RegionToken) string {
	if len(m) == 0 {
		return ""
	}
	b, _ := json.Marshal(m) // maps marshal with sorted keys
	return string(b)
}

// RegionTokenRegions lists m's regions, sorted.
func RegionTokenRegions(m map[string]RegionToken) []string {
	out := make([]string, 0, len(m))
	for r := range m {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

func checkRegionTokens(s string) error {
	_, err := ParseRegionTokens(s)
	return err
}
