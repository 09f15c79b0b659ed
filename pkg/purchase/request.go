// Package purchase is the FlexusL purchase request (POST /v1/light-instances)
// and every rule the purchase page gives for it. Request marshals to exactly
// the body the API takes; Validate reports every violation at once; Decode
// reads a body strictly (types included), as the sandbox and --from-file need.
package purchase

import (
	"encoding/json"
	"fmt"
	"github.com/flexusl/flexusl/pkg/suggest"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/flexusl/flexusl/pkg/catalog"
	"github.com/flexusl/flexusl/pkg/problem"
)

// Values the page fixes.
const (
	ChargingPrePaid = "prePaid"
	PeriodMonth     = "month"
	PeriodYear      = "year"
	ResourceEVS     = "evs" // data disk
	ResourceCBR     = "cbr" // cloud backup
	ResourceHSS     = "hss" // host security
)

// ImageRef is image_ref: a catalog image (name and version) or a private
// image (image_id alone).
type ImageRef struct {
	ImageName    string `json:"image_name,omitempty"`
	ImageVersion string `json:"image_version,omitempty"`
	ImageID      string `json:"image_id,omitempty"`
}

// ExtraResource is one entry of extra_resources.
type ExtraResource struct {
	Type string `json:"type"`
	Size *int   `json:"size,omitempty"`
}

// Tag is one custom tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Request is the body of POST /v1/light-instances. Field order is the
// page's; optional fields are pointers or omitempty so that what was not
// given is not sent.
type Request struct {
	InstanceName     string          `json:"instance_name"`
	Description      *string         `json:"description,omitempty"`
	PlanSpec         string          `json:"plan_spec"`
	ImageRef         *ImageRef       `json:"image_ref,omitempty"`
	Region           string          `json:"region"`
	ChargingMode     string          `json:"charging_mode,omitempty"`
	PeriodType       string          `json:"period_type"`
	PeriodNum        int             `json:"period_num"`
	PurchaseQuantity *int            `json:"purchase_quantity,omitempty"`
	IsAutoRenew      *bool           `json:"is_auto_renew,omitempty"`
	IsAutoPay        *bool           `json:"is_auto_pay,omitempty"`
	ExtraResources   []ExtraResource `json:"extra_resources,omitempty"`
	Tags             []Tag           `json:"tags,omitempty"`
}

// Quantity is purchase_quantity, 1 when not given (the page's default).
func (r *Request) Quantity() int {
	if r.PurchaseQuantity == nil {
		return 1
	}
	return *r.PurchaseQuantity
}

// AutoPay is is_auto_pay, false when not given (the page's default).
func (r *Request) AutoPay() bool { return r.IsAutoPay != nil && *r.IsAutoPay }

// AutoRenew is is_auto_renew, false when not given (the page's default).
func (r *Request) AutoRenew() bool { return r.IsAutoRenew != nil && *r.IsAutoRenew }

// Private reports whether a private image (image_id) is used.
func (r *Request) Private() bool { return r.ImageRef != nil && r.ImageRef.ImageID != "" }

// Body is the exact JSON the API is sent.
func (r *Request) Body() ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	return b, nil
}

// RegionID is the region the instances are bought in (for api.CreateBody).
func (r *Request) RegionID() string { return r.Region }

// Ptr returns a pointer to v (for optional fields).
func Ptr[T any](v T) *T { return &v }

// Field names, as the API spells them.
const (
	FInstanceName     = "instance_name"
	FDescription      = "description"
	FPlanSpec         = catalog.FieldPlanSpec
	FImageRef         = "image_ref"
	FImageName        = catalog.FieldImageName
	FImageVersion     = catalog.FieldImageVersion
	FImageID          = "image_ref.image_id"
	FRegion           = catalog.FieldRegion
	FChargingMode     = "charging_mode"
	FPeriodType       = "period_type"
	FPeriodNum        = "period_num"
	FPurchaseQuantity = "purchase_quantity"
	FIsAutoRenew      = "is_auto_renew"
	FIsAutoPay        = "is_auto_pay"
	FExtraResources   = "extra_resources"
	FTags             = "tags"
	FClientRequestID  = "Client-Request-Id"
)

// Limits from the page.
const (
	MaxNameLen        = 128
	MaxDescriptionLen = 1024
	MinQuantity       = 1
	MaxQuantity       = 200
	MaxMonths         = 9
	MaxYears          = 3
	MinResourceGiB    = 10
	MaxResourceGiB    = 2048
	MaxTagKeyLen      = 32
	MaxTagValueLen    = 2048
	MinRequestIDLen   = 36
	MaxRequestIDLen   = 128
)

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// isName: starts with a letter; letters, digits, '_' and '-' (instance
// names and tag keys). Plain checks, not a regexp: nothing to compile at
// start-up.
func isName(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !isDigit(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// isRequestID: starts with a letter or digit; letters, digits and '-'.
func isRequestID(s string) bool {
	if s == "" || (!isLetter(s[0]) && !isDigit(s[0])) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !isDigit(c) && c != '-' {
			return false
		}
	}
	return true
}

// CheckClientRequestID checks a Client-Request-Id header value: 36-128
// letters, digits and hyphens, starting with a letter or digit.
func CheckClientRequestID(id string) *problem.Problem {
	p := &problem.Problem{Field: FClientRequestID, Value: id}
	switch {
	case id == "":
		p.Reason = "is required"
	case len(id) < MinRequestIDLen || len(id) > MaxRequestIDLen:
		p.Reason = fmt.Sprintf("must be %d to %d characters (it has %d)", MinRequestIDLen, MaxRequestIDLen, len(id))
	case !isRequestID(id):
		p.Reason = "may contain only letters, digits and hyphens (-), starting with a letter or digit"
	default:
		return nil
	}
	return p
}

// Options change what Validate checks.
type Options struct {
	// SkipCatalog skips the catalog checks (region list, image, version,
	// spec combinations) but not the format checks: for plans newer than
	// the catalog (--no-validate).
	SkipCatalog bool
}

// Validate checks every rule of the page and returns every violation. With
// a nil problem list the request is valid; Normalize should then be called.
func (r *Request) Validate(cat *catalog.Catalog, opts Options) problem.Problems {
	var ps problem.Problems
	ps = append(ps, r.checkUTF8()...)
	ps = append(ps, r.checkNameAndDescription()...)
	if r.ChargingMode != "" && r.ChargingMode != ChargingPrePaid {
		ps = append(ps, problem.Problem{Field: FChargingMode, Value: r.ChargingMode, Reason: "must be prePaid (yearly/monthly billing)", Allowed: []string{ChargingPrePaid}})
	}
	ps = append(ps, r.checkPeriod()...)
	if q := r.PurchaseQuantity; q != nil && (*q < MinQuantity || *q > MaxQuantity) {
		ps = append(ps, problem.Problem{Field: FPurchaseQuantity, Value: strconv.Itoa(*q), Reason: fmt.Sprintf("must be %d to %d", MinQuantity, MaxQuantity)})
	}
	ps = append(ps, checkExtras(r.ExtraResources)...)
	ps = append(ps, checkTags(r.Tags)...)
	ir, ips := r.checkImageRef()
	ps = append(ps, ips...)
	if opts.SkipCatalog || cat == nil {
		return append(ps, r.checkWithoutCatalog(ir)...)
	}
	return append(ps, r.checkCatalog(cat, ir)...)
}

// checkUTF8 refuses text that is not UTF-8, naming the field: it would be
// sent as U+FFFD (flags reach here unchanged; files are checked when
// decoded). The name and description are checked with their other rules.
func (r *Request) checkUTF8() problem.Problems {
	fields := []struct{ field, value string }{
		{FPlanSpec, r.PlanSpec}, {FRegion, r.Region}, {FPeriodType, r.PeriodType}, {FChargingMode, r.ChargingMode},
	}
	if ir := r.ImageRef; ir != nil {
		fields = append(fields, []struct{ field, value string }{{FImageName, ir.ImageName}, {FImageVersion, ir.ImageVersion}, {FImageID, ir.ImageID}}...)
	}
	var ps problem.Problems
	for _, f := range fields {
		if !utf8.ValidString(f.value) {
			ps = append(ps, problem.Problem{Field: f.field, Value: f.value, Reason: notUTF8})
		}
	}
	return ps
}

// checkNameAndDescription: the name is required, 1-128 characters,
// starting with a letter; the description at most 1024 characters.
func (r *Request) checkNameAndDescription() problem.Problems {
	var ps problem.Problems
	add := func(field, value, reason string) {
		ps = append(ps, problem.Problem{Field: field, Value: value, Reason: reason})
	}
	switch n := utf8.RuneCountInString(r.InstanceName); {
	case r.InstanceName == "":
		add(FInstanceName, "", "is required")
	case !utf8.ValidString(r.InstanceName):
		add(FInstanceName, r.InstanceName, notUTF8)
	case n > MaxNameLen:
		add(FInstanceName, r.InstanceName, fmt.Sprintf("must be 1 to %d characters (it has %d)", MaxNameLen, n))
	case !isName(r.InstanceName):
		add(FInstanceName, r.InstanceName, "must start with a letter and contain only letters, digits, underscores (_) and hyphens (-)")
	}
	if r.Description != nil {
		if n := utf8.RuneCountInString(*r.Description); n > MaxDescriptionLen {
			add(FDescription, abbreviate(*r.Description), fmt.Sprintf("must be 0 to %d characters (it has %d)", MaxDescriptionLen, n))
		}
		if !utf8.ValidString(*r.Description) {
			add(FDescription, abbreviate(*r.Description), notUTF8)
		}
	}
	return ps
}

// checkPeriod: month (1-9) or year (1-3), both required.
func (r *Request) checkPeriod() problem.Problems {
	switch r.PeriodType {
	case PeriodMonth, PeriodYear:
		limit := MaxMonths
		if r.PeriodType == PeriodYear {
			limit = MaxYears
		}
		if r.PeriodNum == 0 {
			return problem.Problems{{Field: FPeriodNum, Reason: fmt.Sprintf("is required: 1 to %d when period_type is %s", limit, r.PeriodType)}}
		} else if r.PeriodNum < 1 || r.PeriodNum > limit {
			return problem.Problems{{Field: FPeriodNum, Value: strconv.Itoa(r.PeriodNum), Reason: fmt.Sprintf("must be 1 to %d when period_type is %s", limit, r.PeriodType)}}
		}
		return nil
	case "":
		return problem.Problems{{Field: FPeriodType, Reason: "is required", Allowed: []string{PeriodMonth, PeriodYear}}}
	}
	p := problem.Problem{Field: FPeriodType, Value: r.PeriodType, Reason: "is not a subscription period", Allowed: []string{PeriodMonth, PeriodYear}}
	p.Suggestions = suggest.Closest(r.PeriodType, p.Allowed)
	return problem.Problems{p}
}

// checkImageRef: a catalog image (name, version) or a private image (ID),
// not both. The reference returned is nil when none was given.
func (r *Request) checkImageRef() (*ImageRef, problem.Problems) {
	ir := r.ImageRef
	switch {
	case ir == nil || (ir.ImageName == "" && ir.ImageVersion == "" && ir.ImageID == ""):
		return nil, problem.Problems{{Field: FImageRef, Reason: "is required: give image_name (and image_version) of an application or OS image, or image_id of a private image"}}
	case ir.ImageID != "" && (ir.ImageName != "" || ir.ImageVersion != ""):
		return ir, problem.Problems{{Field: FImageID, Value: ir.ImageID, Reason: "cannot be combined with image_name/image_version: a private image is given by image_id alone"}}
	case ir.ImageID == "" && ir.ImageName == "":
		return ir, problem.Problems{{Field: FImageName, Reason: "is required with image_version"}}
	}
	return ir, nil
}

// checkWithoutCatalog is what is still required when the catalog checks
// are skipped (--no-validate, or no catalog).
func (r *Request) checkWithoutCatalog(ir *ImageRef) problem.Problems {
	var ps problem.Problems
	if r.Region == "" {
		ps = append(ps, problem.Problem{Field: FRegion, Reason: "is required"})
	}
	if r.PlanSpec == "" {
		ps = append(ps, problem.Problem{Field: FPlanSpec, Reason: "is required"})
	}
	if ir != nil && ir.ImageID == "" && ir.ImageName != "" && ir.ImageVersion == "" {
		ps = append(ps, problem.Problem{Field: FImageVersion, Reason: "is required when catalog checks are skipped"})
	}
	return ps
}

// checkCatalog checks region, spec, image and version, and their
// combinations, against the catalog (the page's appendix).
func (r *Request) checkCatalog(cat *catalog.Catalog, ir *ImageRef) problem.Problems {
	var ps problem.Problems
	sel := catalog.Selection{Region: r.Region, Spec: r.PlanSpec}
	switch {
	case ir == nil:
		// Already reported; still judge region and spec.
		if p := cat.CheckRegion(r.Region); p != nil {
			ps = append(ps, *p)
		}
		if r.PlanSpec == "" {
			ps = append(ps, problem.Problem{Field: FPlanSpec, Reason: "is required"})
		} else if _, ok := cat.Spec(r.PlanSpec); !ok {
			ps = append(ps, problem.Problem{Field: FPlanSpec, Value: r.PlanSpec, Reason: "is not a FlexusL spec code", Allowed: cat.SpecCodes(), Suggestions: suggest.Closest(r.PlanSpec, cat.SpecCodes())})
		}
		return ps
	case ir.ImageID != "":
		sel.Private = true
	default:
		sel.Image, sel.Version = ir.ImageName, ir.ImageVersion
	}
	_, cps := cat.Check(sel)
	for _, p := range cps {
		if sel.Private || ir.ImageName != "" || p.Field != FImageName {
			ps = append(ps, p)
		}
	}
	return ps
}

// notUTF8 is the reason given for text that is not UTF-8.
const notUTF8 = "is not valid UTF-8 (it would be sent altered, as U+FFFD)"

func checkExtras(extras []ExtraResource) problem.Problems {
	var ps problem.Problems
	seen := map[string]bool{}
	kinds := []string{ResourceEVS, ResourceCBR, ResourceHSS}
	for i, e := range extras {
		field := fmt.Sprintf("%s[%d]", FExtraResources, i)
		if !slices.Contains(kinds, e.Type) {
			ps = append(ps, problem.Problem{Field: field + ".type", Value: e.Type, Reason: "is not an additional resource type (evs: data disk, cbr: cloud backup, hss: host security)", Allowed: kinds, Suggestions: suggest.Closest(e.Type, kinds)})
			continue
		}
		if seen[e.Type] {
			ps = append(ps, problem.Problem{Field: field + ".type", Value: e.Type, Reason: "is given more than once"})
		}
		seen[e.Type] = true
		switch {
		case e.Type == ResourceHSS && e.Size != nil:
			ps = append(ps, problem.Problem{Field: field + ".size", Value: strconv.Itoa(*e.Size), Reason: "is not involved for hss: host security has no size"})
		case e.Type != ResourceHSS && e.Size != nil && (*e.Size < MinResourceGiB || *e.Size > MaxResourceGiB):
			ps = append(ps, problem.Problem{Field: field + ".size", Value: strconv.Itoa(*e.Size), Reason: fmt.Sprintf("must be %d to %d GiB", MinResourceGiB, MaxResourceGiB)})
		}
	}
	return ps
}

func checkTags(tags []Tag) problem.Problems {
	var ps problem.Problems
	seen := map[string]bool{}
	for i, t := range tags {
		field := fmt.Sprintf("%s[%d]", FTags, i)
		switch n := utf8.RuneCountInString(t.Key); {
		case t.Key == "":
			ps = append(ps, problem.Problem{Field: field + ".key", Reason: "is required"})
		case !utf8.ValidString(t.Key):
			ps = append(ps, problem.Problem{Field: field + ".key", Value: t.Key, Reason: notUTF8})
		case n > MaxTagKeyLen:
			ps = append(ps, problem.Problem{Field: field + ".key", Value: t.Key, Reason: fmt.Sprintf("must be 1 to %d characters (it has %d)", MaxTagKeyLen, n)})
		case !isName(t.Key):
			ps = append(ps, problem.Problem{Field: field + ".key", Value: t.Key, Reason: "must start with a letter and contain only letters, digits, underscores (_) and hyphens (-)"})
		}
		if seen[t.Key] && t.Key != "" {
			ps = append(ps, problem.Problem{Field: field + ".key", Value: t.Key, Reason: "is given more than once"})
		}
		seen[t.Key] = true
		if !utf8.ValidString(t.Value) {
			ps = append(ps, problem.Problem{Field: field + ".value", Value: abbreviate(t.Value), Reason: notUTF8})
		}
		if n := utf8.RuneCountInString(t.Value); n > MaxTagValueLen {
			ps = append(ps, problem.Problem{Field: field + ".value", Value: abbreviate(t.Value), Reason: fmt.Sprintf("must be 0 to %d characters (it has %d)", MaxTagValueLen, n)})
		}
	}
	return ps
}

// Normalize puts a valid request in the exact shape to send: charging_mode
// prePaid, the image name in the catalog's spelling with its only version
// filled in when left out, extra_resources in the page's order (evs, cbr,
// hss).
func (r *Request) Normalize(cat *catalog.Catalog) {
	r.ChargingMode = ChargingPrePaid
	if cat != nil && r.ImageRef != nil && r.ImageRef.ImageID == "" {
		if im, v, ps := cat.ResolveImage(r.ImageRef.ImageName, r.ImageRef.ImageVersion, r.Region); len(ps) == 0 {
			r.ImageRef.ImageName, r.ImageRef.ImageVersion = im.Name, v.Version
		}
	}
	order := map[string]int{ResourceEVS: 0, ResourceCBR: 1, ResourceHSS: 2}
	slices.SortStableFunc(r.ExtraResources, func(a, b ExtraResource) int { return order[a.Type] - order[b.Type] })
}

func abbreviate(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	if !utf8.ValidString(s) { // keep the bytes: the problem is shown with them escaped
		return s[:min(len(s), 57)] + "..."
	}
	return string([]rune(s)[:37]) + "..."
}

// ParseTag parses --tag key=value.
func ParseTag(s string) (Tag, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return Tag{}, fmt.Errorf("tag %q: want key=value", s)
	}
	return Tag{Key: k, Value: v}, nil
}

// ImageLabel is the request's image for people and the journal: "Ubuntu
// 22.04", or "private:ID" ("" when it names none).
func (r *Request) ImageLabel() string {
	switch {
	case r.ImageRef == nil:
		return ""
	case r.ImageRef.ImageID != "":
		return "private:" + r.ImageRef.ImageID
	}
	return strings.TrimSpace(r.ImageRef.ImageName + " " + r.ImageRef.ImageVersion)
}
