// Package resolve turns what a user typed (a FlexusL instance ID or a
// unique name) into RMS entries, with one listing for all arguments.
package resolve

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/output"
)

// Lister lists FlexusL instances (api.Client does).
type Lister interface {
	ListInstances(ctx context.Context, o api.ListInstancesOptions) ([]api.Resource, error)
}

// IsInstanceID reports whether s has the shape of a FlexusL instance ID
// (24 lower-case hex characters).
func IsInstanceID(s string) bool {
	if len(s) != 24 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// CheckArg refuses, before anything is sent, an argument that can be
// neither an ID nor an instance name (empty, too long, control
// characters).
func CheckArg(s string) error {
	switch {
	case s == "":
		return exitcode.Errorf(exitcode.Usage, "an instance ID or name is empty")
	case len(s) > 128:
		return exitcode.Errorf(exitcode.Usage, "%.20q...: not an instance ID or name (at most 128 characters)", s)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return exitcode.Errorf(exitcode.Usage, "%q: not an instance ID or name (control character)", s)
		}
	}
	return nil
}

// Instances resolves each argument to one instance: an instance ID, or a
// name that names exactly one instance. region "" searches every region.
// Unknown and ambiguous arguments exit 2 (nothing was changed), each
// named; an ambiguous name lists its matches (ID, region). The result
// follows the arguments' order without repeats.
func Instances(ctx context.Context, l Lister, args []string, region string) ([]api.Resource, error) {
	for _, a := range args {
		if err := CheckArg(a); err != nil {
			return nil, err
		}
	}
	all, err := l.ListInstances(ctx, api.ListInstancesOptions{Region: region})
	if err != nil {
		return nil, err
	}
	return Match(all, args, region)
}

// Match is Instances over a listing already read.
func Match(all []api.Resource, args []string, region string) ([]api.Resource, error) {
	byID := map[string]int{}
	byName := map[string][]int{}
	for i, r := range all {
		byID[r.ID] = i
		byName[r.Name] = append(byName[r.Name], i)
	}
	var out []api.Resource
	seen := map[string]bool{}
	var problems []string
	for _, a := range args {
		i, ok := byID[a]
		if ok && hasOther(byName[a], i) {
			problems = append(problems, idAlsoName(all, a, i, byName[a]))
			continue
		}
		if !ok {
			switch m := byName[a]; len(m) {
			case 0:
				where := "in any region"
				if region != "" {
					where = "in " + region
				}
				problems = append(problems, fmt.Sprintf("no instance with ID or name %q %s (see: flexusl instance list)", a, where))
				continue
			case 1:
				i = m[0]
			default:
				var lines []string
				for _, j := range m {
					lines = append(lines, "    "+describe(&all[j]))
				}
				problems = append(problems, fmt.Sprintf("the name %q matches %d instances; name one by ID:\n%s", a, len(m), strings.Join(lines, "\n")))
				continue
			}
		}
		if !seen[all[i].ID] {
			seen[all[i].ID] = true
			out = append(out, all[i])
		}
	}
	if len(problems) > 0 {
		return nil, exitcode.Errorf(exitcode.Usage, "%s", strings.Join(problems, "\n"))
	}
	return out, nil
}

// describe is one line telling an instance from others of the same name:
// ID, region, plan, public IP and creation time.
func describe(r *api.Resource) string {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	return fmt.Sprintf("%s  %s  %s  %s  created %s", r.ID, dash(r.RegionID), dash(r.Properties.Metadata["resource_spec_code"]),
		dash(r.PublicIP()), output.TableTimeString(r.Created))
}

// hasOther reports whether the name matches hold an instance other than i.
func hasOther(matches []int, i int) bool {
	for _, j := range matches {
		if j != i {
			return true
		}
	}
	return false
}

// idAlsoName is the problem with an argument that is the ID of instance i
// and the name of others: which one is meant cannot be known (a name can
// be chosen to look like another instance's ID).
func idAlsoName(all []api.Resource, a string, i int, names []int) string {
	lines := []string{fmt.Sprintf("    %s  %s  (its ID; name %q)", all[i].ID, all[i].RegionID, all[i].Name)}
	for _, j := range names {
		if j != i {
			lines = append(lines, fmt.Sprintf("    %s  %s  (its name)", all[j].ID, all[j].RegionID))
		}
	}
	return fmt.Sprintf("%q is the ID of one instance and the name of %d other(s); name the one you mean by its other ID or a unique name:\n%s",
		a, len(lines)-1, strings.Join(lines, "\n"))
}

// ByRegion groups instances per region, in sorted region order.
func ByRegion(rs []api.Resource) (regions []string, groups map[string][]api.Resource) {
	groups = map[string][]api.Resource{}
	for _, r := range rs {
		if _, ok := groups[r.RegionID]; !ok {
			regions = append(regions, r.RegionID)
		}
		groups[r.RegionID] = append(groups[r.RegionID], r)
	}
	sort.Strings(regions)
	return regions, groups
}
