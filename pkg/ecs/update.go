package ecs

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/problem"
)

// UpdateServer fields, as problems name them.
const (
	FName        = "server.name"
	FDescription = "server.description"
	FHostname    = "server.hostname"
)

// Limits of the UpdateServer fields (LIFECYCLE.md §4).
const (
	NameMaxLength        = 64
	DescriptionMaxLength = 85
	HostnameMaxLength    = 64
)

// Update is what `instance update` changes; nil fields stay as they are.
type Update struct {
	Name, Description, Hostname *string
}

// Empty reports whether the update changes nothing.
func (u Update) Empty() bool { return u.Name == nil && u.Description == nil && u.Hostname == nil }

// Wire is the update as UpdateServer's body.
func (u Update) Wire() api.ServerUpdate {
	return api.ServerUpdate{Name: u.Name, Description: u.Description, Hostname: u.Hostname}
}

// Check applies the documented rules to each field given and returns every
// problem (none: valid).
func (u Update) Check() problem.Problems {
	var ps problem.Problems
	if u.Empty() {
		ps = append(ps, problem.Problem{Field: "server", Reason: "is required: give at least one of the name, the description or the hostname"})
	}
	if u.Name != nil {
		ps = append(ps, CheckServerName(*u.Name)...)
	}
	if u.Description != nil {
		ps = append(ps, CheckDescription(*u.Description)...)
	}
	if u.Hostname != nil {
		ps = append(ps, CheckHostname(*u.Hostname)...)
	}
	return ps
}

// CheckServerName applies the stricter of the two documented name rules.
// The SDK (and Huawei's FlexusL script) allow 1-64 characters of Chinese
// characters, letters, digits, _ - .; the international ECS page allows
// 1-128 characters of letters, digits, _ - . (no Chinese characters). A
// name must pass whichever rule the service applies, so flexusl requires
// both: 1-64 characters of ASCII letters, digits, _ - and .
func CheckServerName(n string) problem.Problems {
	var ps problem.Problems
	if l := utf8.RuneCountInString(n); l < 1 || l > NameMaxLength {
		ps = append(ps, problem.Problem{Field: FName, Value: n, Reason: fmt.Sprintf("has %d characters; 1 to %d are allowed", l, NameMaxLength)})
	}
	if bad := badRunes(n, func(r rune) bool { return isASCIIAlnum(r) || r == '_' || r == '-' || r == '.' }); bad != "" {
		ps = append(ps, problem.Problem{Field: FName, Value: n, Reason: "holds " + bad + "; only letters A-Z a-z, digits, _ - and . are allowed (the international ECS rule: no Chinese characters)"})
	}
	return ps
}

// CheckDescription: 0-85 characters, no < or > (SDK; ECS page).
func CheckDescription(d string) problem.Problems {
	var ps problem.Problems
	if l := utf8.RuneCountInString(d); l > DescriptionMaxLength {
		ps = append(ps, problem.Problem{Field: FDescription, Value: d, Reason: fmt.Sprintf("has %d characters; at most %d are allowed", l, DescriptionMaxLength)})
	}
	if strings.ContainsAny(d, "<>") {
		ps = append(ps, problem.Problem{Field: FDescription, Value: d, Reason: "must not contain < or >"})
	}
	if !utf8.ValidString(d) {
		ps = append(ps, problem.Problem{Field: FDescription, Value: d, Reason: "is not valid UTF-8"})
	}
	return ps
}

// CheckHostname: 1-64 characters in dot-separated parts of letters, digits
// and -; no "..", "--", ".-" or "-."; no leading or trailing . or - (SDK;
// ECS page).
func CheckHostname(h string) problem.Problems {
	var ps problem.Problems
	if l := utf8.RuneCountInString(h); l < 1 || l > HostnameMaxLength {
		ps = append(ps, problem.Problem{Field: FHostname, Value: h, Reason: fmt.Sprintf("has %d characters; 1 to %d are allowed", l, HostnameMaxLength)})
	}
	if bad := badRunes(h, func(r rune) bool { return isASCIIAlnum(r) || r == '-' || r == '.' }); bad != "" {
		ps = append(ps, problem.Problem{Field: FHostname, Value: h, Reason: "holds " + bad + "; only letters, digits, - and . are allowed"})
	}
	for _, seq := range []string{"..", "--", ".-", "-."} {
		if strings.Contains(h, seq) {
			ps = append(ps, problem.Problem{Field: FHostname, Value: h, Reason: fmt.Sprintf("must not contain %q (no empty part, no doubled or mixed . and -)", seq)})
		}
	}
	if h != "" && (strings.ContainsAny(h[:1], ".-") || strings.ContainsAny(h[len(h)-1:], ".-")) {
		ps = append(ps, problem.Problem{Field: FHostname, Value: h, Reason: "must not start or end with . or -"})
	}
	return ps
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// badRunes describes the characters of s that ok refuses ("" when none).
func badRunes(s string, ok func(rune) bool) string {
	var bad []string
	seen := map[rune]bool{}
	for _, r := range s {
		if ok(r) || seen[r] {
			continue
		}
		seen[r] = true
		if len(bad) == 5 {
			bad = append(bad, "...")
			break
		}
		bad = append(bad, fmt.Sprintf("%q", r))
	}
	if len(bad) == 0 {
		return ""
	}
	return strings.Join(bad, " ")
}
