// Package price asks BSS what a purchase or a renewal will cost, before it
// is confirmed: the rating calls (api.ListRateOnPeriodDetail,
// api.ListRenewRateOnPeriod) turned into one figure per question, the list
// price and the best discount BSS offers, and the reason in words when no
// figure can be had. An inquiry is a read: it changes nothing, is never
// journaled, and a failed one never stops a purchase or a renewal.
package price

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/purchase"
	"github.com/flexusl/flexusl/pkg/safetext"
	"github.com/flexusl/flexusl/pkg/service"
)

// Timeout bounds one inquiry before a purchase or a renewal (its calls,
// retries and look-ups together): a slow billing service never holds a
// purchase up by more.
const Timeout = 5 * time.Second

// Permission is what Huawei names for the rating calls (policy action; the
// identity-policy action in brackets), said in the text of a 403: the
// service table's row (pkg/service).
func Permission() string { return service.SubscribeRate.Get().Needs() }

// Rater asks BSS for prices (api.Client does).
type Rater interface {
	ListRateOnPeriodDetail(ctx context.Context, region string, infos []api.PeriodProductInfo) (*api.RateOnPeriodResult, error)
	ListRenewRateOnPeriod(ctx context.Context, r api.RenewRateRequest) (*api.RenewRateResult, error)
}

// Quote is a price as flexusl prints it (the JSON "price" object).
// Amount is what is paid with the best discount BSS offers (the list price
// when it offers none); DiscountAmount is OfficialAmount less Amount.
type Quote struct {
	Currency       string     `json:"currency"`
	OfficialAmount api.Amount `json:"official_amount"`
	Amount         api.Amount `json:"amount"`
	DiscountAmount api.Amount `json:"discount_amount"`
	// Discount names the discount Amount uses, as BSS names it.
	Discount string `json:"discount"`
	// Excludes lists what the price leaves out (a purchase's extra
	// resources: evs, cbr, hss, which BSS prices under codes flexusl does
	// not know).
	Excludes []string `json:"excludes"`
}

// Text is the quote in one line: "35.70 USD (list price 42.00 USD,
// discount 6.30 USD: Partner discount)". Server text is escaped.
func (q Quote) Text() string {
	s := q.Amount.String() + " " + safetext.Line(q.Currency)
	if q.DiscountAmount > 0 {
		s += fmt.Sprintf(" (list price %s %s, discount %s %s", q.OfficialAmount, safetext.Line(q.Currency), q.DiscountAmount, safetext.Line(q.Currency))
		if q.Discount != "" {
			s += ": " + safetext.Line(q.Discount)
		}
		s += ")"
	}
	if len(q.Excludes) > 0 {
		names := make([]string, len(q.Excludes))
		for i, e := range q.Excludes {
			names[i] = e
			if n, ok := extraNames[e]; ok {
				names[i] = n + " (" + e + ")"
			}
		}
		s += "; not included: " + safetext.Line(strings.Join(names, ", "))
	}
	return s
}

// extraNames are the purchase's extra resources in words.
var extraNames = map[string]string{purchase.ResourceEVS: "data disk", purchase.ResourceCBR: "cloud backup", purchase.ResourceHSS: "host security"}

// currency is BSS's currency; "" means USD (bssintl SDK).
func currency(c string) string {
	if c == "" {
		return "USD"
	}
	return c
}

// checkUnit refuses amounts in a unit other than the main one: a wrong
// figure is worse than none.
func checkUnit(id api.Int) error {
	if id != 0 && id != api.MeasureMainUnit {
		return fmt.Errorf("amounts in unit measure_id %d, which flexusl does not know (only %d, the main unit)", id, api.MeasureMainUnit)
	}
	return nil
}

// best is the discount to quote: the one BSS marks best_offer, else the
// cheapest; ok is false when there is none below the list price.
func best(ds []api.DiscountRating, official api.Amount) (d api.DiscountRating, ok bool) {
	for _, x := range ds {
		if x.Amount < 0 || x.Amount >= official {
			continue
		}
		switch {
		case !ok, x.BestOffer == 1 && d.BestOffer != 1, x.BestOffer == d.BestOffer && x.Amount < d.Amount:
			d, ok = x, true
		}
	}
	return d, ok
}

// quoteOf makes a quote from a list price and the discounts offered.
func quoteOf(cur string, official api.Amount, ds []api.DiscountRating) Quote {
	q := Quote{Currency: currency(cur), OfficialAmount: official, Amount: official, Excludes: []string{}}
	if d, ok := best(ds, official); ok {
		q.Amount, q.DiscountAmount, q.Discount = d.Amount, official-d.Amount, d.DiscountName
	}
	return q
}

// PeriodCode is BSS's period_type for a period word: 2 month, 3 year.
func PeriodCode(periodType string) int {
	if periodType == purchase.PeriodYear {
		return api.RenewYear
	}
	return api.RenewMonth
}

// ProductInfo is the subscribe-rate product for n instances of a plan
// (FlexusL's unverified codes, NETWORK-AND-PRICES.md §17).
func ProductInfo(id, spec, region, periodType string, periods, n int) api.PeriodProductInfo {
	return api.PeriodProductInfo{ID: id, CloudServiceType: api.ServiceTypeHCSS, ResourceType: api.ResourceTypeHECSFusion,
		ResourceSpec: spec, Region: region, PeriodType: PeriodCode(periodType), PeriodNum: periods, SubscriptionNum: n}
}

// Purchase prices a purchase request: its plan, quantity and period, in one
// subscribe-rate call. Extra resources are not priced (Excludes names
// them).
func Purchase(ctx context.Context, r Rater, req *purchase.Request) (*Quote, error) {
	info := ProductInfo("1", req.PlanSpec, req.Region, req.PeriodType, req.PeriodNum, req.Quantity())
	res, err := r.ListRateOnPeriodDetail(ctx, req.Region, []api.PeriodProductInfo{info})
	if err != nil {
		return nil, err
	}
	if err := checkUnit(res.OfficialWebsiteRatingResult.MeasureID); err != nil {
		return nil, err
	}
	q := quoteOf(res.Currency, res.OfficialWebsiteRatingResult.OfficialWebsiteAmount, res.OptionalDiscountRatingResults)
	seen := map[string]bool{}
	for _, e := range req.ExtraResources {
		if !seen[e.Type] {
			seen[e.Type] = true
			q.Excludes = append(q.Excludes, e.Type)
		}
	}
	return &q, nil
}

// Renewal is the price of renewing instances: the total over the
// instances BSS priced, and those it did not with why.
type Renewal struct {
	Quote
	NotPriced []NotPriced `json:"not_priced"`
}

// NotPriced is an instance a renewal inquiry gave no price for. Error is
// BSS's text as given (JSON keeps it exactly; escape it to print it).
type NotPriced struct {
	ID    string `json:"id"`
	Error string `json:"error"`
}

// Text is the renewal's price in one line, saying how many instances it
// covers when BSS left some out.
func (r Renewal) Text() string {
	s := r.Quote.Text()
	if len(r.NotPriced) > 0 {
		s += fmt.Sprintf("; %d instance(s) not priced", len(r.NotPriced))
	}
	return s
}

// RenewalOf prices renewing ids for periods of periodType ("month",
// "year"), attached resources included, in calls of at most 10 IDs. A
// call that fails leaves its instances not priced; when no instance is
// priced the first failure is returned. An answer that prices an instance
// not asked about is an error.
func RenewalOf(ctx context.Context, r Rater, ids []string, periodType string, periods int) (*Renewal, error) {
	if len(ids) == 0 {
		return nil, errors.New("no instances to price")
	}
	out := &Renewal{Quote: Quote{Excludes: []string{}}, NotPriced: []NotPriced{}}
	var first error
	var discounts []string
	priced := 0
	for start := 0; start < len(ids); start += api.MaxRenewRateIDs {
		chunk := ids[start:min(start+api.MaxRenewRateIDs, len(ids))]
		res, err := r.ListRenewRateOnPeriod(ctx, api.RenewRateRequest{ResourceIDs: chunk, PeriodType: PeriodCode(periodType), PeriodNum: periods, IncludeRelativeResources: true})
		if err == nil {
			err = checkRenewAnswer(chunk, res, out.Currency)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			if first == nil {
				first = err
			}
			for _, id := range chunk {
				out.NotPriced = append(out.NotPriced, NotPriced{ID: id, Error: rawFirstLine(err)})
			}
			continue
		}
		answered := map[string]bool{}
		for _, f := range res.FailResourceInfos {
			answered[f.ResourceID] = true
			out.NotPriced = append(out.NotPriced, NotPriced{ID: f.ResourceID, Error: f.Error()})
		}
		for _, x := range res.RenewInquiryResults {
			answered[x.ResourceID] = true
		}
		for _, id := range chunk {
			if !answered[id] {
				out.NotPriced = append(out.NotPriced, NotPriced{ID: id, Error: "not in BSS's answer"})
			}
		}
		if len(res.RenewInquiryResults) == 0 {
			continue
		}
		priced += len(res.RenewInquiryResults)
		q := quoteOf(res.Currency, res.OfficialWebsiteRatingResult.OfficialWebsiteAmount, res.OptionalDiscountRatingResults)
		out.Currency = q.Currency
		out.OfficialAmount += q.OfficialAmount
		out.Amount += q.Amount
		out.DiscountAmount += q.DiscountAmount
		if q.Discount != "" {
			discounts = append(discounts, q.Discount)
		}
	}
	if priced == 0 {
		if first == nil {
			first = fmt.Errorf("BSS priced none of the instances: %s", out.NotPriced[0].Error)
		}
		return nil, first
	}
	out.Discount = oneName(discounts)
	return out, nil
}

// checkRenewAnswer refuses an answer flexusl cannot add up: about an
// instance not asked for, in another currency than earlier calls, or in an
// unknown unit.
func checkRenewAnswer(asked []string, res *api.RenewRateResult, cur string) error {
	want := map[string]bool{}
	for _, id := range asked {
		want[id] = true
	}
	for _, x := range res.RenewInquiryResults {
		if !want[x.ResourceID] {
			return fmt.Errorf("the answer prices %q, which was not asked about", safetext.Line(x.ResourceID))
		}
	}
	for _, f := range res.FailResourceInfos {
		if !want[f.ResourceID] {
			return fmt.Errorf("the answer refuses %q, which was not asked about", safetext.Line(f.ResourceID))
		}
	}
	if c := currency(res.Currency); cur != "" && len(res.RenewInquiryResults) > 0 && c != cur {
		return fmt.Errorf("the answer is in %s, an earlier one in %s", safetext.Line(c), safetext.Line(cur))
	}
	return checkUnit(res.OfficialWebsiteRatingResult.MeasureID)
}

// oneName is the discounts' common name, or "several discounts".
func oneName(names []string) string {
	if len(names) == 0 {
		return ""
	}
	for _, n := range names[1:] {
		if n != names[0] {
			return "several discounts"
		}
	}
	return names[0]
}

// SpecPrices are the prices of plans in a region, by spec code.
type SpecPrices struct {
	Quotes map[string]Quote
	// NotFound holds the specs BSS has no product for, with its answer.
	NotFound map[string]string
	// Calls is how many subscribe-rate calls were made.
	Calls int
}

// Specs prices one instance of each spec in region for periods of
// periodType, in as few calls as the API allows (100 products a call).
// One spec BSS does not know fails its whole call (CBC.99006006): that
// call's products are then asked again in halves until the unknown ones
// are found (at most 2n-1 calls for n specs), so one odd spec never hides
// the others' prices. Any other failure is returned.
func Specs(ctx context.Context, r Rater, region string, codes []string, periodType string, periods int) (*SpecPrices, error) {
	sp := &SpecPrices{Quotes: map[string]Quote{}, NotFound: map[string]string{}}
	var ask func(codes []string) error
	ask = func(codes []string) error {
		infos := make([]api.PeriodProductInfo, len(codes))
		for i, c := range codes {
			infos[i] = ProductInfo(fmt.Sprint(i+1), c, region, periodType, periods, 1)
		}
		sp.Calls++
		res, err := r.ListRateOnPeriodDetail(ctx, region, infos)
		if api.IsProductNotFound(err) {
			if len(codes) == 1 {
				sp.NotFound[codes[0]] = Why(err)
				return nil
			}
			half := len(codes) / 2
			if err := ask(codes[:half]); err != nil {
				return err
			}
			return ask(codes[half:])
		}
		if err != nil {
			return err
		}
		return sp.add(codes, res)
	}
	for start := 0; start < len(codes); start += api.MaxRateProducts {
		if err := ask(codes[start:min(start+api.MaxRateProducts, len(codes))]); err != nil {
			return nil, err
		}
	}
	return sp, nil
}

// add reads a subscribe-rate answer for codes (asked as ids "1".."n").
func (sp *SpecPrices) add(codes []string, res *api.RateOnPeriodResult) error {
	if err := checkUnit(res.OfficialWebsiteRatingResult.MeasureID); err != nil {
		return err
	}
	byID := func(rs []api.ProductRating) map[string]api.ProductRating {
		m := map[string]api.ProductRating{}
		for _, x := range rs {
			m[x.ID] = x
		}
		return m
	}
	official := byID(res.OfficialWebsiteRatingResult.ProductRatingResults)
	if len(codes) == 1 && len(official) == 0 {
		// A single product: the request's total is its price.
		official["1"] = api.ProductRating{ID: "1", OfficialWebsiteAmount: res.OfficialWebsiteRatingResult.OfficialWebsiteAmount}
	}
	for i, code := range codes {
		id := fmt.Sprint(i + 1)
		o, ok := official[id]
		if !ok {
			sp.NotFound[code] = "not in BSS's answer"
			continue
		}
		var ds []api.DiscountRating
		for _, d := range res.OptionalDiscountRatingResults {
			if p, ok := byID(d.ProductRatingResults)[id]; ok {
				ds = append(ds, api.DiscountRating{DiscountName: d.DiscountName, BestOffer: d.BestOffer, Amount: p.Amount})
			} else if len(codes) == 1 {
				ds = append(ds, d)
			}
		}
		sp.Quotes[code] = quoteOf(res.Currency, o.OfficialWebsiteAmount, ds)
	}
	return nil
}

// Why says in a few words why an inquiry gave no price, for "price: not
// available (why)". Server text is escaped.
func Why(err error) string {
	var e *api.Error
	var ns *api.NotSentError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer from BSS within %s", Timeout)
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case api.IsProductNotFound(err):
		return "no API price for this plan (FlexusL's BSS product codes are undocumented): " + firstLine(err)
	case errors.As(err, &e) && e.StatusCode == http.StatusForbidden:
		return firstLine(err) + "; the credentials lack the billing permission for price inquiries: " + Permission()
	case errors.As(err, &ns) && !ns.Answered:
		// Not "nothing was sent": that would read as if the purchase were
		// not.
		cause := ns.Cause
		var ue *url.Error
		if errors.As(cause, &ue) {
			cause = ue.Err
		}
		return firstLine(fmt.Errorf("could not connect: %w", cause))
	}
	return firstLine(err)
}

func firstLine(err error) string { return safetext.Line(rawFirstLine(err)) }

func rawFirstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// SortedCodes is codes in order (for stable output).
func SortedCodes(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
