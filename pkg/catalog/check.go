package catalog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/suggest"
)

// API field names a problem.Problem can name.
const (
	FieldRegion       = "region"
	FieldImageName    = "image_ref.image_name"
	FieldImageVersion = "image_ref.image_version"
	FieldPlanSpec     = "plan_spec"
)

// Selection is what a purchase picks from the catalog.
type Selection struct {
	Region  string
	Image   string // image_ref.image_name; ignored when Private
	Version string // image_ref.image_version; may be "" for a one-version image
	Spec    string // plan_spec
	Private bool   // a private image (image_ref.image_id) is used
}

// Resolved is a valid Selection with the catalog's entries for it.
type Resolved struct {
	Region  Region
	Image   *Image   // nil for a private image
	Version *Version // nil for a private image
	Spec    Spec
}

// CheckRegion returns a problem.Problem when id is not one of the page's regions.
func (c *Catalog) CheckRegion(id string) *problem.Problem {
	if _, ok := c.Region(id); ok {
		return nil
	}
	p := &problem.Problem{Field: FieldRegion, Value: id, Allowed: c.RegionIDs()}
	if id == "" {
		p.Reason = "is required"
	} else {
		p.Reason = "is not a FlexusL region"
		p.Suggestions = suggest.Closest(id, p.Allowed)
	}
	return p
}

// ResolveImage finds an image version, checking it is offered in region
// ("" means any region). version may be "" when the image has one version
// (offered in region).
func (c *Catalog) ResolveImage(name, version, region string) (*Image, *Version, []problem.Problem) {
	if name == "" {
		return nil, nil, []problem.Problem{{Field: FieldImageName, Reason: "is required (or give image_ref.image_id for a private image)", Allowed: c.ImageNames()}}
	}
	im, ok := c.Image(name)
	if !ok {
		all := c.ImageNames()
		return nil, nil, []problem.Problem{{Field: FieldImageName, Value: name, Reason: "is not a FlexusL application or OS image", Allowed: all, Suggestions: suggest.Closest(name, all)}}
	}
	offered := im.VersionNames(region)
	where := ""
	if region != "" {
		where = " in " + c.regionLabel(region)
	}
	if version == "" {
		if len(offered) == 1 {
			v, _ := im.Version(offered[0])
			return im, v, nil
		}
		reason := fmt.Sprintf("is required: %s has %d versions%s", im.Name, len(offered), where)
		if len(offered) == 0 {
			reason = fmt.Sprintf("is required, but %s has no version offered%s", im.Name, where)
		}
		return im, nil, []problem.Problem{{Field: FieldImageVersion, Reason: reason, Allowed: offered}}
	}
	v, ok := im.Version(version)
	if !ok {
		all := im.VersionNames("")
		return im, nil, []problem.Problem{{Field: FieldImageVersion, Value: version, Reason: fmt.Sprintf("is not a version of %s", im.Name), Allowed: all, Suggestions: suggest.Closest(version, all)}}
	}
	if !v.OfferedIn(region) {
		return im, nil, []problem.Problem{{Field: FieldImageVersion, Value: version,
			Reason:  fmt.Sprintf("%s %s is not offered in %s (the page: not supported in %s)", im.Name, v.Version, c.regionLabel(region), c.regionList(v.ExcludedRegions)),
			Allowed: offered}}
	}
	return im, v, nil
}

// Check validates a whole selection and reports every problem at once.
func (c *Catalog) Check(sel Selection) (Resolved, []problem.Problem) {
	var res Resolved
	var problems []problem.Problem
	region := sel.Region
	if p := c.CheckRegion(region); p != nil {
		problems = append(problems, *p)
		region = "" // judge the rest as if in any region
	} else {
		res.Region, _ = c.Region(region)
	}

	var allowed []string
	var subject string
	if sel.Private {
		allowed = c.PrivateSpecs("")
		subject = "a private image"
	} else {
		im, v, ps := c.ResolveImage(sel.Image, sel.Version, region)
		problems = append(problems, ps...)
		if v == nil {
			// Without a version we cannot judge the spec beyond "does it exist".
			if sel.Spec == "" {
				problems = append(problems, problem.Problem{Field: FieldPlanSpec, Reason: "is required"})
			} else if _, ok := c.Spec(sel.Spec); !ok {
				problems = append(problems, problem.Problem{Field: FieldPlanSpec, Value: sel.Spec, Reason: "is not a FlexusL spec code", Allowed: c.SpecCodes(), Suggestions: suggest.Closest(sel.Spec, c.SpecCodes())})
			}
			return res, problems
		}
		res.Image, res.Version = im, v
		allowed = v.SpecsIn(region)
		subject = im.Name + " " + v.Version
	}
	if region != "" {
		subject += " in " + c.regionLabel(region)
	}

	spec, known := c.Spec(sel.Spec)
	switch {
	case sel.Spec == "":
		problems = append(problems, problem.Problem{Field: FieldPlanSpec, Reason: "is required", Allowed: allowed})
	case !known:
		problems = append(problems, problem.Problem{Field: FieldPlanSpec, Value: sel.Spec, Reason: "is not a FlexusL spec code", Allowed: allowed, Suggestions: suggest.Closest(sel.Spec, allowed)})
	case !slices.Contains(allowed, sel.Spec):
		reason := "is not supported by " + subject
		if !sel.Private {
			for _, r := range res.Version.Specs {
				if r.Code == sel.Spec && !r.OfferedIn(region) {
					reason = fmt.Sprintf("is offered for %s %s only in %s", res.Image.Name, res.Version.Version, c.regionList(r.Regions))
				}
			}
		}
		problems = append(problems, problem.Problem{Field: FieldPlanSpec, Value: sel.Spec, Reason: reason, Allowed: allowed, Suggestions: suggest.Closest(sel.Spec, allowed)})
	default:
		res.Spec = spec
	}
	return res, problems
}

func (c *Catalog) regionLabel(id string) string {
	if r, ok := c.Region(id); ok {
		return fmt.Sprintf("%s (%s)", r.ID, r.Name)
	}
	return id
}

func (c *Catalog) regionList(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = c.regionLabel(id)
	}
	return strings.Join(out, ", ")
}
