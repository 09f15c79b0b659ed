package ecs

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Password rule names (LIFECYCLE.md §7, from ECS's BatchResetServersPassword
// page). A failure names the rule and never the password or any of its
// characters.
const (
	RuleLength         = "length"
	RuleAllowed        = "allowed characters"
	RuleForbidden      = "forbidden characters"
	RuleClasses        = "character classes"
	RuleRootAdmin      = "root or Administrator"
	RuleAdminSequence  = "Administrator sequence"
	PasswordMinLength  = 8
	PasswordMaxLength  = 26
	passwordSpecials   = "!@%-_=+[]:./?"
	passwordForbidden  = "~`#&^,{}*();\"'<>|\\$"
	administratorLower = "administrator"
)

// AllowedSpecials lists the special characters a password may hold, as the
// documentation writes them.
const AllowedSpecials = "! @ % - _ = + [ ] : . / ?"

// ForbiddenCharacters lists the characters ECS names as forbidden.
const ForbiddenCharacters = "~ ` # & ^ , { } * ( ) ; \" ' < > | \\ $"

// Violation is a broken password rule.
type Violation struct {
	Rule string // one of the Rule... names
	Text string // what the rule asks, and how the password misses it, without the password
}

func (v Violation) String() string { return v.Rule + ": " + v.Text }

// CheckPassword applies ECS's documented password rules and returns every
// rule the password breaks, in the documentation's order (none: valid):
//   - 8 to 26 characters;
//   - only letters, digits and the specials ! @ % - _ = + [ ] : . / ?;
//   - none of ~ ` # & ^ , { } * ( ) ; " ' < > | \ $ and no Chinese
//     characters (the SDK adds full-width punctuation: refused by the
//     previous rule);
//   - at least three of: uppercase, lowercase, digits, specials;
//   - not root or Administrator, nor either reversed (any letter case);
//   - no three consecutive characters of "Administrator" (any letter case).
//
// The letter case of the last two rules is not documented; flexusl takes
// the stricter reading.
func CheckPassword(p string) []Violation {
	var out []Violation
	if n := utf8.RuneCountInString(p); n < PasswordMinLength || n > PasswordMaxLength {
		out = append(out, Violation{RuleLength, fmt.Sprintf("%d to %d characters are required; it has %d", PasswordMinLength, PasswordMaxLength, n)})
	}
	var upper, lower, digit, special, other, forbidden, chinese, invalid bool
	for _, r := range p {
		switch {
		case r == utf8.RuneError:
			invalid = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(passwordSpecials, r):
			special = true
		case strings.ContainsRune(passwordForbidden, r):
			forbidden = true
		case unicode.Is(unicode.Han, r):
			chinese = true
		default:
			other = true
		}
	}
	if other || invalid {
		out = append(out, Violation{RuleAllowed, "only letters A-Z and a-z, digits and the special characters " + AllowedSpecials + " are allowed; it holds another character (such as a space, a non-ASCII letter or full-width punctuation)"})
	}
	if forbidden || chinese {
		what := "one of " + ForbiddenCharacters
		switch {
		case forbidden && chinese:
			what += " and Chinese characters"
		case chinese:
			what = "Chinese characters"
		}
		out = append(out, Violation{RuleForbidden, "it must not contain " + ForbiddenCharacters + " or Chinese characters; it holds " + what})
	}
	var has []string
	for _, c := range []struct {
		ok   bool
		name string
	}{{upper, "uppercase letters"}, {lower, "lowercase letters"}, {digit, "digits"}, {special, "special characters"}} {
		if c.ok {
			has = append(has, c.name)
		}
	}
	if len(has) < 3 {
		got := "none of them"
		if len(has) > 0 {
			got = "only " + strings.Join(has, " and ")
		}
		out = append(out, Violation{RuleClasses, "at least three of uppercase letters, lowercase letters, digits and special characters are required; it has " + got})
	}
	lp := strings.ToLower(p)
	for _, w := range []string{"root", "toor", administratorLower, reverse(administratorLower)} {
		if strings.Contains(lp, w) {
			out = append(out, Violation{RuleRootAdmin, "it must not contain root or Administrator, or either reversed (toor, rotartsinimdA), in any letter case"})
			break
		}
	}
	for i := 0; i+3 <= len(administratorLower); i++ {
		if strings.Contains(lp, administratorLower[i:i+3]) {
			out = append(out, Violation{RuleAdminSequence, "it must not contain three consecutive characters of Administrator (such as adm, min, str, tor), in any letter case"})
			break
		}
	}
	return out
}

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// PasswordError is an invalid new password: the rules it breaks, never the
// password.
type PasswordError struct {
	Violations []Violation
}

func (e *PasswordError) Error() string {
	if len(e.Violations) == 1 {
		return "the new password breaks ECS's password rule " + e.Violations[0].String() + " (nothing was sent)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the new password breaks %d of ECS's password rules (nothing was sent):", len(e.Violations))
	for _, v := range e.Violations {
		b.WriteString("\n  " + v.String())
	}
	return b.String()
}

// ValidatePassword is CheckPassword as an error (nil when valid).
func ValidatePassword(p string) error {
	if vs := CheckPassword(p); len(vs) > 0 {
		return &PasswordError{Violations: vs}
	}
	return nil
}
