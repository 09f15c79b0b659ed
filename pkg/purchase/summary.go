package purchase

import (
	"fmt"
	"strings"

	"github.com/flexusl/flexusl/pkg/catalog"
	"github.com/flexusl/flexusl/pkg/safetext"
)

// Line is one "label: value" line of a purchase summary.
type Line struct{ Label, Value string }

// Summary describes a valid, normalized request for a person to confirm:
// what will be bought, where, for how long, and how it is paid.
func (r *Request) Summary(cat *catalog.Catalog) []Line {
	var ls []Line
	add := func(l, v string) { ls = append(ls, Line{l, v}) }
	add("Name", r.InstanceName)
	if r.Description != nil && *r.Description != "" {
		add("Description", *r.Description)
	}
	add("Quantity", fmt.Sprint(r.Quantity()))
	region := r.Region
	if cat != nil {
		if reg, ok := cat.Region(r.Region); ok {
			region = fmt.Sprintf("%s (%s)", reg.ID, reg.Name)
		}
	}
	add("Region", region)
	switch {
	case r.Private():
		add("Image", "private image "+r.ImageRef.ImageID)
	case r.ImageRef != nil:
		img := strings.TrimSpace(r.ImageRef.ImageName + " " + r.ImageRef.ImageVersion)
		if cat != nil {
			if im, ok := cat.Image(r.ImageRef.ImageName); ok {
				img += " (" + im.Type + " image)"
			}
		}
		add("Image", img)
	}
	spec := r.PlanSpec
	if cat != nil {
		if s, ok := cat.Spec(r.PlanSpec); ok {
			spec = fmt.Sprintf("%s: %d vCPUs, %s GiB memory, %d GiB system disk, %d Mbit/s peak bandwidth, %d GB data package",
				s.Code, s.VCPUs, catalog.FormatGiB(s.MemoryGiB), s.SystemDiskGiB, s.PeakBandwidthMbitS, s.DataPackageGB)
		}
	}
	add("Spec", spec)
	unit := r.PeriodType
	if r.PeriodNum != 1 {
		unit += "s"
	}
	add("Period", fmt.Sprintf("%d %s, prepaid", r.PeriodNum, unit))
	add("Auto-renew", yesNo(r.AutoRenew()))
	if r.AutoPay() {
		add("Auto-pay", "yes: the order is paid from the account balance at once")
	} else {
		add("Auto-pay", "no: the order will wait for payment in the console")
	}
	var extras []string
	for _, e := range r.ExtraResources {
		switch e.Type {
		case ResourceEVS:
			extras = append(extras, "data disk"+size(e.Size))
		case ResourceCBR:
			extras = append(extras, "cloud backup"+size(e.Size))
		case ResourceHSS:
			extras = append(extras, "host security")
		}
	}
	if len(extras) == 0 {
		extras = []string{"none"}
	}
	add("Extras", strings.Join(extras, ", "))
	if len(r.Tags) > 0 {
		var tags []string
		for _, t := range r.Tags {
			tags = append(tags, t.Key+"="+t.Value)
		}
		add("Tags", strings.Join(tags, ", "))
	}
	return ls
}

func size(n *int) string {
	if n == nil {
		return ""
	}
	return fmt.Sprintf(" %d GiB", *n)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// FormatSummary renders lines aligned, one per line, indented. Values hold
// text from flags and files (name, description, tags): every control
// character in them is shown escaped, so no value can rewrite another line
// of what the user is asked to confirm.
func FormatSummary(ls []Line) string {
	w := 0
	for _, l := range ls {
		w = max(w, len(l.Label))
	}
	var b strings.Builder
	for _, l := range ls {
		fmt.Fprintf(&b, "  %-*s  %s\n", w+1, l.Label+":", safetext.Line(l.Value))
	}
	return b.String()
}
