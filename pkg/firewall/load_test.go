package firewall

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api"
)

// A server whose ECS answer lists thousands of groups does not make Load
// read them all from VPC: the focus's is an error naming ECS, another
// instance's is a note and its groups are skipped.
func TestLoadCapsGroupsPerServer(t *testing.T) {
	many := make([]api.ServerSecurityGroup, 20000)
	for i := range many {
		many[i] = api.ServerSecurityGroup{ID: fmt.Sprintf("g%05d", i)}
	}
	atCap := many[:MaxServerGroups]
	rd := &fakeReader{servers: map[string][]api.ServerSecurityGroup{"s1": many, "s2": {{Name: "sg-default-smb", ID: "g1"}}, "s3": atCap}}
	ins := []Instance{{ID: "i1", Name: "big", ServerID: "s1"}, {ID: "i2", Name: "web", ServerID: "s2"}, {ID: "i3", Name: "fifty", ServerID: "s3"}}

	_, err := Load(context.Background(), rd, "r", "p", ins, "i1")
	if err == nil || !strings.Contains(err.Error(), "ECS lists 20000 security groups") || !strings.Contains(err.Error(), "at most 50") {
		t.Fatalf("focus: %v", err)
	}
	if len(rd.asked) != 0 {
		t.Fatalf("VPC asked %d times", len(rd.asked))
	}

	fw, err := Load(context.Background(), rd, "r", "p", ins, "i2")
	if err != nil || len(rd.asked) != 1 || strings.Join(rd.asked[0], ",") != "g1" {
		t.Fatalf("%v %v", err, rd.asked)
	}
	if len(fw.Notes) != 1 || !strings.Contains(fw.Notes[0], "instance big") || !strings.Contains(fw.Notes[0], "skipped") {
		t.Errorf("notes %q", fw.Notes)
	}

	// Exactly the cap is read.
	rd.asked = nil
	if fw, err := Load(context.Background(), rd, "r", "p", ins, "i3"); err != nil || len(fw.ByInstance["i3"]) != MaxServerGroups {
		t.Errorf("at the cap: %v", err)
	}
}
