package ecs

import (
	"strings"
	"testing"
)

// IDs and regions come from RMS and go into URL paths, hosts and the
// commands flexusl suggests: one that does not have its shape is a
// problem, named with the value, and nothing is planned.
func TestPlanRefusesIDsFromRMSThatAreNotIDs(t *testing.T) {
	for name, tc := range map[string]struct {
		change func(*Target)
		want   string
	}{
		"region host":     {func(t *Target) { t.Region = "x.attacker.example/#" }, `in the region "x.attacker.example/#", which is not a region ID`},
		"region command":  {func(t *Target) { t.Region = "ap-southeast-3;id" }, `in the region "ap-southeast-3;id"`},
		"server dot-dot":  {func(t *Target) { t.ServerID = ".." }, `its ECS server as "..", which is not an ECS server ID`},
		"server space":    {func(t *Target) { t.ServerID = "a b" }, `its ECS server as "a b"`},
		"project path":    {func(t *Target) { t.ProjectID = "p/../../v3" }, `in the project "p/../../v3", which is not a project ID`},
		"instance":        {func(t *Target) { t.InstanceID = "x $(touch /tmp/PWNED)" }, `the instance ID "x $(touch /tmp/PWNED)", which flexusl does not use`},
		"instance no srv": {func(t *Target) { t.InstanceID = "x;id"; t.ServerID = "" }, `the instance ID "x;id"`},
	} {
		t.Run(name, func(t *testing.T) {
			bad := target(2, "ap-southeast-3")
			tc.change(&bad)
			bs, ps := Plan([]Target{target(1, "ap-southeast-3"), bad}, 0)
			if bs != nil || len(ps) != 1 || !strings.Contains(ps[0].Error(), tc.want) {
				t.Fatalf("%v %v", bs, ps)
			}
			if strings.Contains(ps[0].Error(), "flexusl instance show") {
				t.Errorf("a command built from a bad value: %v", ps[0])
			}
		})
	}
	// An empty project is looked up: no problem.
	ok := target(1, "ap-southeast-3")
	ok.ProjectID = ""
	if _, ps := Plan([]Target{ok}, 0); len(ps) != 0 {
		t.Error(ps)
	}
}

// The resume command is built from checked values; anything else is one
// quoted shell word.
func TestResumeCommand(t *testing.T) {
	for _, tc := range []struct{ job, region, want string }{
		{"ff80808290c6b7b60191ef522de6257b", "ap-southeast-3", "flexusl job wait ff80808290c6b7b60191ef522de6257b --region ap-southeast-3"},
		{"x $(touch /tmp/PWNED) ; echo", "ap-southeast-3", "flexusl job wait 'x $(touch /tmp/PWNED) ; echo' --region ap-southeast-3"},
		{"j1", "a'b; id", `flexusl job wait j1 --region 'a'\''b; id'`},
	} {
		if got := ResumeCommand(tc.job, tc.region); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}
