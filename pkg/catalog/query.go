package catalog

import (
	"fmt"
	"slices"

	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/suggest"
)

// SpecQuery filters specs: by an image (and version), by a private image's
// OS, and by region. Empty fields do not filter.
type SpecQuery struct {
	Image     string
	Version   string
	PrivateOS string // "linux" or "windows": Table 11
	Region    string
}

// FindSpecs answers `specs list`: the specs matching q, in the page's order.
// An image without a version gives the specs any of its versions supports.
func (c *Catalog) FindSpecs(q SpecQuery) ([]Spec, []problem.Problem) {
	var problems []problem.Problem
	if q.Region != "" {
		if p := c.CheckRegion(q.Region); p != nil {
			problems = append(problems, *p)
		}
	}
	if q.PrivateOS != "" && q.PrivateOS != OSLinux && q.PrivateOS != OSWindows {
		problems = append(problems, problem.Problem{Field: "private", Value: q.PrivateOS, Reason: "is not a private image OS", Allowed: []string{OSLinux, OSWindows}, Suggestions: suggest.Closest(q.PrivateOS, []string{OSLinux, OSWindows})})
	}
	if q.PrivateOS != "" && q.Image != "" {
		problems = append(problems, problem.Problem{Field: "private", Value: q.PrivateOS, Reason: "cannot be combined with an image name (a private image has no catalog name)"})
	}
	if q.Image == "" && q.Version != "" {
		problems = append(problems, problem.Problem{Field: FieldImageVersion, Value: q.Version, Reason: "needs an image name"})
	}
	if len(problems) > 0 {
		return nil, problems
	}
	var codes []string
	switch {
	case q.PrivateOS != "":
		codes = c.PrivateSpecs(q.PrivateOS)
	case q.Image != "":
		im, ok := c.Image(q.Image)
		if !ok {
			_, _, ps := c.ResolveImage(q.Image, q.Version, q.Region)
			return nil, ps
		}
		if q.Version == "" {
			for _, v := range im.Versions {
				codes = append(codes, v.SpecsIn(q.Region)...)
			}
			if len(codes) == 0 {
				return nil, []problem.Problem{{Field: FieldImageName, Value: im.Name, Reason: fmt.Sprintf("has no version offered in %s", c.regionLabel(q.Region))}}
			}
		} else {
			_, v, ps := c.ResolveImage(q.Image, q.Version, q.Region)
			if len(ps) > 0 {
				return nil, ps
			}
			codes = v.SpecsIn(q.Region)
		}
	default:
		codes = c.SpecCodes()
	}
	var out []Spec
	for _, s := range c.Specs {
		if slices.Contains(codes, s.Code) {
			out = append(out, s)
		}
	}
	return out, nil
}

// ImageRow is one image version as `images list` shows it.
type ImageRow struct {
	Name    string   `json:"name"`
	Version string   `json:"version"`
	Type    string   `json:"type"`
	Specs   []string `json:"specs"`
}

// ListImages answers `images list`: one row per image version, in the
// page's order, filtered by type ("" for all) and region ("" for any; a
// version the region does not offer is left out, and specs are those the
// region offers).
func (c *Catalog) ListImages(typ, region string) ([]ImageRow, []problem.Problem) {
	var problems []problem.Problem
	if typ != "" && typ != TypeApplication && typ != TypeOS {
		problems = append(problems, problem.Problem{Field: "type", Value: typ, Reason: "is not an image type", Allowed: []string{TypeApplication, TypeOS}, Suggestions: suggest.Closest(typ, []string{TypeApplication, TypeOS})})
	}
	if region != "" {
		if p := c.CheckRegion(region); p != nil {
			problems = append(problems, *p)
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	out := []ImageRow{}
	for _, im := range c.Images {
		if typ != "" && im.Type != typ {
			continue
		}
		for _, v := range im.Versions {
			if !v.OfferedIn(region) {
				continue
			}
			out = append(out, ImageRow{Name: im.Name, Version: v.Version, Type: im.Type, Specs: v.SpecsIn(region)})
		}
	}
	return out, nil
}
