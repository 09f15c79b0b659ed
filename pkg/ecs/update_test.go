package ecs

import (
	"strings"
	"testing"
)

func sp(s string) *string { return &s }

// Each UpdateServer field's documented rules.
func TestUpdateCheck(t *testing.T) {
	long := func(n int, c string) string { return strings.Repeat(c, n) }
	tests := []struct {
		name   string
		u      Update
		fields []string // the fields with problems, in order
		reason string   // part of the first problem's text
	}{
		{"nothing", Update{}, []string{"server"}, "at least one"},
		{"name ok", Update{Name: sp("web-1_a.b")}, nil, ""},
		{"name 64", Update{Name: sp(long(64, "a"))}, nil, ""},
		{"name 65", Update{Name: sp(long(65, "a"))}, []string{FName}, "1 to 64"},
		{"name empty", Update{Name: sp("")}, []string{FName}, "has 0 characters"},
		{"name space", Update{Name: sp("web 1")}, []string{FName}, `' '`},
		{"name Chinese (stricter rule)", Update{Name: sp("服务器")}, []string{FName}, "no Chinese"},
		{"name slash", Update{Name: sp("a/b")}, []string{FName}, `'/'`},
		{"description ok", Update{Description: sp("shop front, v2 (prod)")}, nil, ""},
		{"description empty clears", Update{Description: sp("")}, nil, ""},
		{"description 85", Update{Description: sp(long(85, "é"))}, nil, ""},
		{"description 86", Update{Description: sp(long(86, "d"))}, []string{FDescription}, "at most 85"},
		{"description <", Update{Description: sp("a <b>")}, []string{FDescription}, "< or >"},
		{"hostname ok", Update{Hostname: sp("web-1.example")}, nil, ""},
		{"hostname 64", Update{Hostname: sp(long(64, "h"))}, nil, ""},
		{"hostname 65", Update{Hostname: sp(long(65, "h"))}, []string{FHostname}, "1 to 64"},
		{"hostname empty", Update{Hostname: sp("")}, []string{FHostname}, "has 0"},
		{"hostname underscore", Update{Hostname: sp("web_1")}, []string{FHostname}, `'_'`},
		{"hostname ..", Update{Hostname: sp("web..1")}, []string{FHostname}, `".."`},
		{"hostname --", Update{Hostname: sp("web--1")}, []string{FHostname}, `"--"`},
		{"hostname .-", Update{Hostname: sp("web.-1")}, []string{FHostname}, `".-"`},
		{"hostname -.", Update{Hostname: sp("web-.1")}, []string{FHostname}, `"-."`},
		{"hostname leading -", Update{Hostname: sp("-web")}, []string{FHostname}, "start or end"},
		{"hostname trailing .", Update{Hostname: sp("web.")}, []string{FHostname}, "start or end"},
		{"all three bad", Update{Name: sp(""), Description: sp("<"), Hostname: sp("a..")}, []string{FName, FDescription, FHostname, FHostname}, "has 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := tc.u.Check()
			var got []string
			for _, p := range ps {
				got = append(got, p.Field)
			}
			if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
				t.Fatalf("fields %q, want %q (%v)", got, tc.fields, ps)
			}
			if len(ps) > 0 && !strings.Contains(ps[0].Error(), tc.reason) {
				t.Errorf("%q lacks %q", ps[0].Error(), tc.reason)
			}
		})
	}
}

func TestUpdateWire(t *testing.T) {
	u := Update{Hostname: sp("h"), Description: sp("")}
	w := u.Wire()
	if w.Name != nil || *w.Hostname != "h" || *w.Description != "" {
		t.Errorf("%+v", w)
	}
}
