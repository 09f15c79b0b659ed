package sandbox

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
)

// BSS rating calls (NETWORK-AND-PRICES.md §14-§15). The sandbox's prices
// are MADE UP: a plan costs 3 + vCPUs + 2.5 x GiB of memory a month (extra
// resources add to a renewal), a year costs ten months, and yearly periods
// come with two made-up discounts. Every rating answer says so in its
// X-Sandbox-Note header, its product IDs and its discount names.
const (
	pathSubscribeRate = "/v2/bills/ratings/period-resources/subscribe-rate"
	pathRenewRate     = "/v2/bills/ratings/period-resources/renew-rate"
)

// madeUpNote is the X-Sandbox-Note header of every rating answer.
const madeUpNote = "made-up prices: the sandbox's own figures, not Huawei's"

// The made-up discounts of yearly periods, in percent of the list price.
var yearlyDiscounts = []struct {
	id, name string
	typ      int
	percent  float64
	best     int
}{
	{"SANDBOX-DISCOUNT-YEARLY", "sandbox: made-up yearly discount (15%)", 607, 15, 1},
	{"SANDBOX-DISCOUNT-CONTRACT", "sandbox: made-up contract discount (5%)", 605, 5, 0},
}

// Wire types (testdata/wire/bss/subscribe-rate.*, renew-rate.*).
type (
	subscribeRateRequest struct {
		ProjectID    *string           `json:"project_id"`
		ProductInfos []periodProductIn `json:"product_infos"`
	}
	periodProductIn struct {
		ID                 *string `json:"id"`
		CloudServiceType   *string `json:"cloud_service_type"`
		ResourceType       *string `json:"resource_type"`
		ResourceSpec       *string `json:"resource_spec"`
		Region             *string `json:"region"`
		AvailableZone      *string `json:"available_zone"`
		ResourceSize       *int    `json:"resource_size"`
		SizeMeasureID      *int    `json:"size_measure_id"`
		PeriodType         *int    `json:"period_type"`
		PeriodNum          *int    `json:"period_num"`
		SubscriptionNum    *int    `json:"subscription_num"`
		FeeInstallmentMode *string `json:"fee_installment_mode"`
	}
	subscribeRateAnswer struct {
		Official  officialRating   `json:"official_website_rating_result"`
		Discounts []discountRating `json:"optional_discount_rating_results"`
		Currency  string           `json:"currency"`
	}
	officialRating struct {
		Amount    float64         `json:"official_website_amount"`
		MeasureID int             `json:"measure_id"`
		Products  []officialPrice `json:"product_rating_results"`
	}
	officialPrice struct {
		ID        string  `json:"id"`
		ProductID string  `json:"product_id"`
		Amount    float64 `json:"official_website_amount"`
		MeasureID int     `json:"measure_id"`
	}
	discountRating struct {
		DiscountID     string          `json:"discount_id"`
		DiscountType   int             `json:"discount_type"`
		DiscountName   string          `json:"discount_name"`
		BestOffer      int             `json:"best_offer"`
		Amount         float64         `json:"amount"`
		OfficialAmount float64         `json:"official_website_amount"`
		DiscountAmount float64         `json:"discount_amount"`
		MeasureID      int             `json:"measure_id"`
		Products       []discountPrice `json:"product_rating_results"`
	}
	discountPrice struct {
		ID             string  `json:"id"`
		ProductID      string  `json:"product_id"`
		Amount         float64 `json:"amount"`
		OfficialAmount float64 `json:"official_website_amount"`
		DiscountAmount float64 `json:"discount_amount"`
		MeasureID      int     `json:"measure_id"`
	}
	renewRateRequest struct {
		ResourceIDs              []string `json:"resource_ids"`
		PeriodType               *int     `json:"period_type"`
		PeriodNum                *int     `json:"period_num"`
		IncludeRelativeResources *bool    `json:"include_relative_resources"`
	}
	// renewRateAnswer: the SDK declares its amounts as strings.
	renewRateAnswer struct {
		Currency  string                `json:"currency"`
		Results   []renewInquiry        `json:"renew_inquiry_results"`
		Official  renewOfficial         `json:"official_website_rating_result"`
		Discounts []renewDiscountRating `json:"optional_discount_rating_results"`
		Fails     []failedResource      `json:"fail_resource_infos"`
	}
	renewInquiry struct {
		ResourceID string `json:"resource_id"`
		Amount     string `json:"amount"`
	}
	renewOfficial struct {
		Amount            string `json:"official_website_amount"`
		InstallmentAmount string `json:"installment_official_website_amount"`
		InstallmentPeriod int    `json:"installment_period_type"`
	}
	renewDiscountRating struct {
		DiscountID                string `json:"discount_id"`
		DiscountType              int    `json:"discount_type"`
		DiscountName              string `json:"discount_name"`
		BestOffer                 int    `json:"best_offer"`
		Amount                    string `json:"amount"`
		OfficialAmount            string `json:"official_website_amount"`
		DiscountAmount            string `json:"discount_amount"`
		InstallmentOfficialAmount string `json:"installment_official_website_amount"`
		InstallmentDiscountAmount string `json:"installment_official_discount_amount"`
		InstallmentAmount         string `json:"installment_amount"`
		InstallmentPeriod         int    `json:"installment_period_type"`
	}
)

// applyPriceFault answers a fault queued for a rating route; it reports
// whether it did.
func (c *call) applyPriceFault() bool {
	if c.fault == nil {
		return false
	}
	switch c.fault.Kind {
	case FaultProductNotFound:
		c.fail(http.StatusBadRequest, "CBC.99006006", "The product is not found.")
	default:
		return false
	}
	return true
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func money(v float64) string { return strconv.FormatFloat(round2(v), 'f', 2, 64) }

// checkPeriod checks period_type and period_num as the renewal does: month
// 1-11 (purchases 1-9 are checked by the purchase), year 1-3.
func checkPeriod(pt, pn *int, field string) string {
	switch {
	case pt == nil:
		return field + "period_type is required: 2 (month) or 3 (year)"
	case *pt != periodMonth && *pt != periodYear:
		return fmt.Sprintf("%speriod_type %d: must be 2 (month) or 3 (year)", field, *pt)
	case pn == nil:
		return field + "period_num is required"
	case *pt == periodMonth && (*pn < 1 || *pn > 11):
		return fmt.Sprintf("%speriod_num %d: must be 1 to 11 months", field, *pn)
	case *pt == periodYear && (*pn < 1 || *pn > 3):
		return fmt.Sprintf("%speriod_num %d: must be 1 to 3 years", field, *pn)
	}
	return ""
}

// subscribeRate is ListRateOnPeriodDetail: the made-up list price of each
// product, and on yearly periods two made-up discounts. A product that is
// not a FlexusL plan of the catalog in a catalog region fails the whole
// request with CBC.99006006, as BSS does.
func (s *Server) subscribeRate(c *call) {
	if c.applyPriceFault() {
		return
	}
	var req subscribeRateRequest
	if err := decodeStrict(c.body, &req); err != nil {
		c.badParam("%v", err)
		return
	}
	switch {
	case req.ProjectID == nil || *req.ProjectID == "":
		c.badParam("project_id is required")
		return
	case len(req.ProductInfos) == 0 || len(req.ProductInfos) > 100:
		c.badParam("product_infos holds %d products: 1 to 100", len(req.ProductInfos))
		return
	}
	if _, ok := s.regionOfProject(*req.ProjectID); !ok {
		c.badParam("project_id %q is not a project of this account", *req.ProjectID)
		return
	}
	seen := map[string]bool{}
	for i, p := range req.ProductInfos {
		f := fmt.Sprintf("product_infos[%d].", i)
		msg := ""
		switch {
		case p.ID == nil || *p.ID == "" || len(*p.ID) > 64:
			msg = f + "id is required: 1 to 64 characters"
		case seen[*p.ID]:
			msg = fmt.Sprintf("%sid %q: repeated", f, *p.ID)
		case p.CloudServiceType == nil || *p.CloudServiceType == "":
			msg = f + "cloud_service_type is required"
		case p.ResourceType == nil || *p.ResourceType == "":
			msg = f + "resource_type is required"
		case p.ResourceSpec == nil || *p.ResourceSpec == "":
			msg = f + "resource_spec is required"
		case p.Region == nil || *p.Region == "":
			msg = f + "region is required"
		case (p.ResourceSize == nil) != (p.SizeMeasureID == nil):
			msg = f + "resource_size and size_measure_id go together"
		case p.SubscriptionNum == nil || *p.SubscriptionNum < 1:
			msg = f + "subscription_num is required: 1 or more"
		default:
			msg = checkPeriod(p.PeriodType, p.PeriodNum, f)
		}
		if msg != "" {
			c.badParam("%s", msg)
			return
		}
		seen[*p.ID] = true
	}
	ans := subscribeRateAnswer{Currency: "USD", Official: officialRating{MeasureID: 1, Products: []officialPrice{}}, Discounts: []discountRating{}}
	for _, p := range req.ProductInfos {
		_, regionOK := s.opts.Catalog.Region(*p.Region)
		_, specOK := s.opts.Catalog.Spec(*p.ResourceSpec)
		if *p.CloudServiceType != serviceTypeHCSS || *p.ResourceType != resourceTypeHCSS || !specOK || !regionOK || p.ResourceSize != nil {
			c.fail(http.StatusBadRequest, "CBC.99006006", fmt.Sprintf("The product is not found: %s %s %s in %s.", *p.CloudServiceType, *p.ResourceType, *p.ResourceSpec, *p.Region))
			return
		}
		amount := price(s.monthly(*p.ResourceSpec, nil), *p.PeriodType, *p.PeriodNum, *p.SubscriptionNum)
		ans.Official.Products = append(ans.Official.Products, officialPrice{ID: *p.ID, ProductID: madeUpProductID(*p.ResourceSpec), Amount: amount, MeasureID: 1})
		ans.Official.Amount = round2(ans.Official.Amount + amount)
	}
	for _, d := range yearlyDiscounts {
		dr := discountRating{DiscountID: d.id, DiscountType: d.typ, DiscountName: d.name, BestOffer: d.best, MeasureID: 1, Products: []discountPrice{}}
		for i, p := range req.ProductInfos {
			if *p.PeriodType != periodYear {
				continue
			}
			off := ans.Official.Products[i].Amount
			cut := round2(off * d.percent / 100)
			dr.Products = append(dr.Products, discountPrice{ID: *p.ID, ProductID: ans.Official.Products[i].ProductID, Amount: round2(off - cut),
				OfficialAmount: off, DiscountAmount: cut, MeasureID: 1})
			dr.DiscountAmount = round2(dr.DiscountAmount + cut)
		}
		if len(dr.Products) == 0 {
			continue
		}
		dr.OfficialAmount = ans.Official.Amount
		dr.Amount = round2(ans.Official.Amount - dr.DiscountAmount)
		ans.Discounts = append(ans.Discounts, dr)
	}
	c.w.Header().Set("X-Sandbox-Note", madeUpNote)
	c.json(http.StatusOK, ans)
}

func madeUpProductID(spec string) string { return "SANDBOX-MADE-UP-" + spec }

// renewCode is renew-rate's per-resource code for a refusal the renewal
// gives under another code (BSS-renew-err).
var renewCode = map[string]string{
	"CBC.30010036": "CBC.30050007", // not a primary resource
	"CBC.99003100": "CBC.30050010", // in an unpaid order
	"CBC.99003651": "CBC.30050011", // being unsubscribed
}

// renewRate is ListRenewRateOnPeriod: per instance what renewing it would
// cost (attached resources with include_relative_resources), the made-up
// list price of the whole, and on yearly periods two made-up discounts.
// Instances that cannot be renewed are in fail_resource_infos (HTTP 200).
func (s *Server) renewRate(c *call) {
	if c.applyPriceFault() {
		return
	}
	var req renewRateRequest
	if err := decodeStrict(c.body, &req); err != nil {
		c.badParam("%v", err)
		return
	}
	seen := map[string]bool{}
	for _, id := range req.ResourceIDs {
		if seen[id] {
			c.fail(http.StatusBadRequest, "CBC.30050012", fmt.Sprintf("The resource ID %s is repeated.", id))
			return
		}
		seen[id] = true
	}
	if msg := checkResourceIDs(req.ResourceIDs, 10); msg != "" {
		c.badParam("%s", msg)
		return
	}
	if msg := checkPeriod(req.PeriodType, req.PeriodNum, ""); msg != "" {
		c.badParam("%s", msg)
		return
	}
	withAttached := req.IncludeRelativeResources != nil && *req.IncludeRelativeResources
	ans := renewRateAnswer{Currency: "USD", Results: []renewInquiry{}, Discounts: []renewDiscountRating{}, Fails: []failedResource{}, Official: renewOfficial{InstallmentPeriod: periodMonth}}
	total := 0.0
	s.mu.Lock()
	s.advance(c.now)
	for _, id := range req.ResourceIDs {
		if code, msg := s.checkSubscription(id, "CBC.30050009", c.now); code != "" {
			if rc, ok := renewCode[code]; ok {
				code = rc
			}
			ans.Fails = append(ans.Fails, failedResource{code, msg, id})
			continue
		}
		if o := s.openOrderOf(id, c.now, orderRenewal); o != nil { // as the renewal refuses it
			ans.Fails = append(ans.Fails, failedResource{"CBC.30050011", fmt.Sprintf("The resource %s has an order in progress (%s).", id, o.ID), id})
			continue
		}
		in := s.instances[id]
		var extras = in.Extras
		if !withAttached {
			extras = nil
		}
		amount := price(s.monthly(in.Spec, extras), *req.PeriodType, *req.PeriodNum, 1)
		total = round2(total + amount)
		ans.Results = append(ans.Results, renewInquiry{ResourceID: id, Amount: money(amount)})
	}
	s.mu.Unlock()
	n := float64(months(*req.PeriodType, *req.PeriodNum))
	ans.Official.Amount, ans.Official.InstallmentAmount = money(total), money(total/n)
	if *req.PeriodType == periodYear && len(ans.Results) > 0 {
		for _, d := range yearlyDiscounts {
			cut := round2(total * d.percent / 100)
			ans.Discounts = append(ans.Discounts, renewDiscountRating{DiscountID: d.id, DiscountType: d.typ, DiscountName: d.name, BestOffer: d.best,
				Amount: money(total - cut), OfficialAmount: money(total), DiscountAmount: money(cut),
				InstallmentOfficialAmount: money(total / n), InstallmentDiscountAmount: money(cut / n), InstallmentAmount: money((total - cut) / n),
				InstallmentPeriod: periodMonth})
		}
	}
	c.w.Header().Set("X-Sandbox-Note", madeUpNote)
	c.json(http.StatusOK, ans)
}
