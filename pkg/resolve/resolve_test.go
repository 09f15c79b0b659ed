package resolve

import (
	"context"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
)

type fakeLister struct {
	rs    []api.Resource
	calls int
	got   api.ListInstancesOptions
}

func (f *fakeLister) ListInstances(_ context.Context, o api.ListInstancesOptions) ([]api.Resource, error) {
	f.calls++
	f.got = o
	return f.rs, nil
}

func TestInstances(t *testing.T) {
	l := &fakeLister{rs: []api.Resource{
		{ID: "aaaaaaaaaaaaaaaaaaaaaaaa", Name: "web", RegionID: "tr-west-1"},
		{ID: "bbbbbbbbbbbbbbbbbbbbbbbb", Name: "db", RegionID: "tr-west-1"},
		{ID: "cccccccccccccccccccccccc", Name: "db", RegionID: "me-east-1"},
	}}
	ctx := context.Background()
	rs, err := Instances(ctx, l, []string{"web", "bbbbbbbbbbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaaaaaaaaaa"}, "")
	if err != nil || len(rs) != 2 || rs[0].Name != "web" || rs[1].ID != "bbbbbbbbbbbbbbbbbbbbbbbb" || l.calls != 1 {
		t.Fatalf("%v %v (%d listings)", rs, err, l.calls)
	}
	_, err = Instances(ctx, l, []string{"db", "nope"}, "tr-west-1")
	if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), `the name "db" matches 2 instances`) ||
		!strings.Contains(err.Error(), "cccccccccccccccccccccccc  me-east-1") || !strings.Contains(err.Error(), `no instance with ID or name "nope" in tr-west-1`) {
		t.Errorf("%v", err)
	}
	if l.got.Region != "tr-west-1" {
		t.Errorf("region not passed: %+v", l.got)
	}
	calls := l.calls
	for _, bad := range []string{"", "a\x1b[2Jb", strings.Repeat("x", 129)} {
		if _, err := Instances(ctx, l, []string{bad}, ""); exitcode.Of(err) != exitcode.Usage {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if l.calls != calls {
		t.Error("a bad argument reached the API")
	}
	regions, groups := ByRegion(l.rs)
	if strings.Join(regions, ",") != "me-east-1,tr-west-1" || len(groups["tr-west-1"]) != 2 {
		t.Errorf("%v %v", regions, groups)
	}
	if !IsInstanceID("6743d0e3708be6007b8c8012") || IsInstanceID("6743D0E3708BE6007B8C8012") || IsInstanceID("web") {
		t.Error("IsInstanceID")
	}
}

// A name that is another instance's ID is ambiguous: exit 2 listing both,
// never silently the ID (issue 18, item 12). An instance whose name is its
// own ID is not ambiguous.
func TestIDThatIsAlsoAName(t *testing.T) {
	all := []api.Resource{
		{ID: "aaaaaaaaaaaaaaaaaaaaaaaa", Name: "web", RegionID: "tr-west-1"},
		{ID: "bbbbbbbbbbbbbbbbbbbbbbbb", Name: "aaaaaaaaaaaaaaaaaaaaaaaa", RegionID: "me-east-1"},
		{ID: "cccccccccccccccccccccccc", Name: "cccccccccccccccccccccccc", RegionID: "me-east-1"},
	}
	_, err := Match(all, []string{"aaaaaaaaaaaaaaaaaaaaaaaa"}, "")
	if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), `"aaaaaaaaaaaaaaaaaaaaaaaa" is the ID of one instance and the name of 1 other(s)`) ||
		!strings.Contains(err.Error(), `aaaaaaaaaaaaaaaaaaaaaaaa  tr-west-1  (its ID; name "web")`) || !strings.Contains(err.Error(), "bbbbbbbbbbbbbbbbbbbbbbbb  me-east-1  (its name)") {
		t.Errorf("%v", err)
	}
	for _, arg := range []string{"web", "bbbbbbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccccccc"} {
		if rs, err := Match(all, []string{arg}, ""); err != nil || len(rs) != 1 {
			t.Errorf("%s: %v %v", arg, rs, err)
		}
	}
}
