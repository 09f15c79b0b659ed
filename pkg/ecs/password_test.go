package ecs

import (
	"reflect"
	"strings"
	"testing"
)

// Every documented rule, broken alone and together; the error names each
// rule and never holds the password.
func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name     string
		password string
		rules    []string
	}{
		{"documented example", "Xk7-pq9.Lm2", nil},
		{"three classes, no special", "Xk7pq9Lm2z", nil},
		{"three classes, no digit", "Xk-pq.Lmzw", nil},
		{"every allowed special", "Aa1!@%-_=+[]:./?", nil},
		{"8 characters", "Xk7-pq9.", nil},
		{"26 characters", "Xk7-pq9.Lm2Xk7-pq9.Lm2Xk7-", nil},
		{"7 characters", "Xk7-pq9", []string{RuleLength}},
		{"27 characters", "Xk7-pq9.Lm2Xk7-pq9.Lm2Xk7-p", []string{RuleLength}},
		{"empty", "", []string{RuleLength, RuleClasses}},
		{"space", "Xk7 pq9.Lm2", []string{RuleAllowed}},
		{"non-ASCII letter", "Xk7-pq9.Lmé", []string{RuleAllowed}},
		{"full-width punctuation", "Xk7-pq9.Lm！", []string{RuleAllowed}},
		{"tab", "Xk7-pq9\tLm2", []string{RuleAllowed}},
		{"invalid UTF-8", "Xk7-pq9.Lm\xff", []string{RuleAllowed}},
		{"forbidden #", "Xk7#pq9.Lm2", []string{RuleForbidden}},
		{"forbidden $", "Xk7$pq9.Lm2", []string{RuleForbidden}},
		{"forbidden backslash", "Xk7\\pq9.Lm2", []string{RuleForbidden}},
		{"forbidden quote", "Xk7'pq9.Lm2", []string{RuleForbidden}},
		{"forbidden <", "Xk7<pq9.Lm2", []string{RuleForbidden}},
		{"Chinese", "Xk7-pq9.Lm中", []string{RuleForbidden}},
		{"two classes: lower and digits", "xk7pq9lm2z", []string{RuleClasses}},
		{"one class: lower", "xkpqlmzwvu", []string{RuleClasses}},
		{"two classes: upper and special", "XK-PQ.LM?Z", []string{RuleClasses}},
		{"root", "Xk7-root.Lm2", []string{RuleRootAdmin}},
		{"ROOT any case", "Xk7-ROOT.Lm2", []string{RuleRootAdmin}},
		{"toor", "Xk7-toor.Lm2", []string{RuleRootAdmin}},
		{"Administrator", "Administrator-1", []string{RuleRootAdmin, RuleAdminSequence}},
		{"Administrator reversed", "rotartsinimdA-1", []string{RuleRootAdmin, RuleAdminSequence}},
		{"adm", "Xk7-adm.Lm2", []string{RuleAdminSequence}},
		{"TOR any case", "Xk7-TOR.Lm2", []string{RuleAdminSequence}},
		{"str", "Xk7-str.Lm2", []string{RuleAdminSequence}},
		{"ist", "Xk7-ist.Lm2", []string{RuleAdminSequence}},
		{"ad-m is not a sequence", "Xk7-ad-m.Lm2", nil},
		{"several at once", "root#中 ", []string{RuleLength, RuleAllowed, RuleForbidden, RuleClasses, RuleRootAdmin}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vs := CheckPassword(tc.password)
			var got []string
			for _, v := range vs {
				got = append(got, v.Rule)
			}
			if !reflect.DeepEqual(got, tc.rules) {
				t.Fatalf("rules %q, want %q", got, tc.rules)
			}
			err := ValidatePassword(tc.password)
			if (err == nil) != (len(tc.rules) == 0) {
				t.Fatalf("ValidatePassword = %v", err)
			}
			if err == nil {
				return
			}
			msg := err.Error()
			for _, r := range tc.rules {
				if !strings.Contains(msg, r+":") {
					t.Errorf("%q does not name rule %q", msg, r)
				}
			}
			if !strings.Contains(msg, "nothing was sent") {
				t.Errorf("%q does not say nothing was sent", msg)
			}
			if len(tc.password) >= 3 && strings.Contains(msg, tc.password) {
				t.Errorf("the error holds the password: %q", msg)
			}
		})
	}
}

// No error text holds a character of the password that is not part of
// the rule's own wording: the forbidden and odd characters are never
// echoed.
func TestPasswordErrorsNeverEchoCharacters(t *testing.T) {
	for _, p := range []string{"aaaaaaa€", "aaaaaaaé", "aaaaa中aa", "aaaa\u200baaa"} {
		msg := ValidatePassword(p).Error()
		for _, r := range p {
			if r > 127 && strings.ContainsRune(msg, r) {
				t.Errorf("%q echoes %q", msg, r)
			}
		}
	}
}

// wording is the fixed text of every rule.
var wording = func() string {
	var b strings.Builder
	for _, p := range []string{"", "root#中 é"} {
		for _, v := range CheckPassword(p) {
			b.WriteString(v.Text + "\n")
		}
	}
	return b.String()
}()

func FuzzCheckPassword(f *testing.F) {
	for _, s := range []string{"Xk7-pq9.Lm2", "root", "Administrator", "中文密码Aa1!", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		vs := CheckPassword(p)
		// Rule texts are fixed wording with a count: a password of six or
		// more characters that is not part of that wording must not
		// appear.
		if len(p) >= 6 && !strings.ContainsAny(p, " ") && !strings.Contains(wording, p) {
			for _, v := range vs {
				if strings.Contains(v.Text, p) {
					t.Fatalf("violation %q holds the password", v)
				}
			}
		}
	})
}
