package purchase

import "github.com/flexusl/flexusl/pkg/problem"

// Overrides are values given on the command line over a request (read from
// a file, or empty). A nil field was not given and leaves the request as it
// is.
type Overrides struct {
	Name, Description, Spec *string
	Image, ImageVersion     *string
	ImageID                 *string
	Region, PeriodType      *string
	Period, Quantity        *int
	AutoRenew, AutoPay      *bool
	DataDisk, Backup        *int  // extra_resources evs / cbr sizes
	HSS                     *bool // true adds hss, false removes it
	Tags                    []string
}

// Apply puts the overrides on r: scalar fields replace, an image name or ID
// replaces the whole image_ref (a version alone changes only the version),
// an extra resource replaces the one of its type, and a tag replaces the
// request's tag of the same key (repeated keys among the overrides stay, for
// Validate to report). Tags not of the form key=value are returned as
// problems.
func (r *Request) Apply(o Overrides) problem.Problems {
	str := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	str(&r.InstanceName, o.Name)
	if o.Description != nil {
		r.Description = Ptr(*o.Description)
	}
	str(&r.PlanSpec, o.Spec)
	if o.Image != nil || o.ImageID != nil || (o.ImageVersion != nil && r.ImageRef == nil) {
		r.ImageRef = &ImageRef{}
	}
	if r.ImageRef != nil {
		str(&r.ImageRef.ImageName, o.Image)
		str(&r.ImageRef.ImageVersion, o.ImageVersion)
		str(&r.ImageRef.ImageID, o.ImageID)
	}
	str(&r.Region, o.Region)
	str(&r.PeriodType, o.PeriodType)
	if o.Period != nil {
		r.PeriodNum = *o.Period
	}
	if o.Quantity != nil {
		r.PurchaseQuantity = Ptr(*o.Quantity)
	}
	if o.AutoRenew != nil {
		r.IsAutoRenew = Ptr(*o.AutoRenew)
	}
	if o.AutoPay != nil {
		r.IsAutoPay = Ptr(*o.AutoPay)
	}
	replace := func(typ string, keep bool, size *int) {
		var kept []ExtraResource
		for _, e := range r.ExtraResources {
			if e.Type != typ {
				kept = append(kept, e)
			}
		}
		if keep {
			kept = append(kept, ExtraResource{Type: typ, Size: size})
		}
		r.ExtraResources = kept
	}
	if o.DataDisk != nil {
		replace(ResourceEVS, true, Ptr(*o.DataDisk))
	}
	if o.Backup != nil {
		replace(ResourceCBR, true, Ptr(*o.Backup))
	}
	if o.HSS != nil {
		replace(ResourceHSS, *o.HSS, nil)
	}
	var ps problem.Problems
	if o.Tags != nil {
		var tags []Tag
		given := map[string]bool{}
		for _, s := range o.Tags {
			t, err := ParseTag(s)
			if err != nil {
				ps = append(ps, problem.Problem{Field: "--tag", Value: s, Reason: "must be key=value"})
				continue
			}
			tags = append(tags, t)
			given[t.Key] = true
		}
		var kept []Tag
		for _, old := range r.Tags {
			if !given[old.Key] {
				kept = append(kept, old)
			}
		}
		r.Tags = append(kept, tags...)
	}
	return ps
}
