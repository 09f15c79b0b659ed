package cmdutil

import (
	"strings"
	"testing"
)

// A group builds the subcommands a run names, or all of them.
func TestSubsNamed(t *testing.T) {
	subs := []Sub{{Names: []string{"buy"}}, {Names: []string{"list", "ls"}}, {Names: []string{"delete", "unsubscribe"}}}
	for args, want := range map[string][]string{
		"instance buy --spec x":               {"buy"},
		"__complete instance buy --spec ":     {"buy"},
		"help instance ls":                    {"list"},
		"instance unsubscribe a b":            {"delete"},
		"instance buy --name list":            {"buy", "list"}, // a flag's value: one more built, no harm
		"instance":                            nil,             // group help
		"instance --help":                     nil,
		"__complete instance ":                nil, // completing a subcommand's name
		"__complete instance b":               nil,
		"instance create":                     nil, // a typo or SuggestFor: all, for the suggestion
		"instance --region ap-southeast-3 ls": nil, // a flag's value first
		"specs list":                          nil, // not this group
	} {
		got := subsNamed("instance", strings.Split(args, " "), subs)
		if (got == nil) != (want == nil) || len(got) != len(want) {
			t.Errorf("subsNamed(%q) = %v, want %v", args, got, want)
		}
		for _, w := range want {
			if !got[w] {
				t.Errorf("subsNamed(%q) = %v, want %v", args, got, want)
			}
		}
	}
	if subsNamed("instance", nil, subs) != nil {
		t.Error("nil args (docs, tests) must build all")
	}
}
