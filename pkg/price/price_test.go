package price

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/purchase"
)

func amt(s string) api.Amount {
	a, err := api.ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

// fakeRater answers from functions and records what it was asked.
type fakeRater struct {
	sub      func(infos []api.PeriodProductInfo) (*api.RateOnPeriodResult, error)
	renew    func(r api.RenewRateRequest) (*api.RenewRateResult, error)
	subCalls [][]api.PeriodProductInfo
	renCalls []api.RenewRateRequest
}

func (f *fakeRater) ListRateOnPeriodDetail(_ context.Context, _ string, infos []api.PeriodProductInfo) (*api.RateOnPeriodResult, error) {
	f.subCalls = append(f.subCalls, infos)
	return f.sub(infos)
}

func (f *fakeRater) ListRenewRateOnPeriod(_ context.Context, r api.RenewRateRequest) (*api.RenewRateResult, error) {
	f.renCalls = append(f.renCalls, r)
	return f.renew(r)
}

func TestBestDiscount(t *testing.T) {
	d := func(name string, amount string, bestOffer int) api.DiscountRating {
		return api.DiscountRating{DiscountName: name, Amount: amt(amount), BestOffer: api.Int(bestOffer)}
	}
	tests := []struct {
		name string
		ds   []api.DiscountRating
		want Quote
	}{
		{"none", nil, Quote{Currency: "USD", OfficialAmount: amt("42"), Amount: amt("42")}},
		{"marked best wins over cheaper", []api.DiscountRating{d("a", "30", 0), d("b", "35.7", 1)}, Quote{Currency: "USD", OfficialAmount: amt("42"), Amount: amt("35.7"), DiscountAmount: amt("6.3"), Discount: "b"}},
		{"cheapest when none marked", []api.DiscountRating{d("a", "39.9", 0), d("b", "35.7", 0)}, Quote{Currency: "USD", OfficialAmount: amt("42"), Amount: amt("35.7"), DiscountAmount: amt("6.3"), Discount: "b"}},
		{"not below the list price", []api.DiscountRating{d("a", "42", 1), d("b", "50", 0)}, Quote{Currency: "USD", OfficialAmount: amt("42"), Amount: amt("42")}},
		{"negative ignored", []api.DiscountRating{d("a", "-1", 1)}, Quote{Currency: "USD", OfficialAmount: amt("42"), Amount: amt("42")}},
	}
	for _, tt := range tests {
		if got := quoteOf("", amt("42"), tt.ds); !equalQuote(got, tt.want) {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func equalQuote(a, b Quote) bool {
	return a.Currency == b.Currency && a.OfficialAmount == b.OfficialAmount && a.Amount == b.Amount && a.DiscountAmount == b.DiscountAmount &&
		a.Discount == b.Discount && slices.Equal(a.Excludes, b.Excludes)
}

func TestQuoteText(t *testing.T) {
	tests := []struct {
		q    Quote
		want string
	}{
		{Quote{Currency: "USD", OfficialAmount: amt("4.2"), Amount: amt("4.2")}, "4.20 USD"},
		{Quote{Currency: "USD", OfficialAmount: amt("42"), Amount: amt("35.7"), DiscountAmount: amt("6.3"), Discount: "Partner\x1b[31m"},
			"35.70 USD (list price 42.00 USD, discount 6.30 USD: Partner^[[31m)"},
		{Quote{Currency: "CNY", OfficialAmount: amt("10"), Amount: amt("10"), Excludes: []string{"evs", "hss"}}, "10.00 CNY; not included: data disk (evs), host security (hss)"},
	}
	for _, tt := range tests {
		if got := tt.q.Text(); got != tt.want {
			t.Errorf("%q, want %q", got, tt.want)
		}
	}
}

// A purchase is priced in one call with the plan, region, period and
// quantity; extra resources are named as not included.
func TestPurchase(t *testing.T) {
	f := &fakeRater{sub: func([]api.PeriodProductInfo) (*api.RateOnPeriodResult, error) {
		return &api.RateOnPeriodResult{OfficialWebsiteRatingResult: api.OfficialRating{OfficialWebsiteAmount: amt("200"), MeasureID: 1},
			OptionalDiscountRatingResults: []api.DiscountRating{{DiscountName: "y", BestOffer: 1, Amount: amt("170")}}}, nil
	}}
	req := &purchase.Request{PlanSpec: "hf.large.1.30m.linux", Region: "ap-southeast-3", PeriodType: "year", PeriodNum: 1, PurchaseQuantity: purchase.Ptr(2),
		ExtraResources: []purchase.ExtraResource{{Type: "evs", Size: purchase.Ptr(20)}, {Type: "hss"}}}
	q, err := Purchase(context.Background(), f, req)
	if err != nil {
		t.Fatal(err)
	}
	want := Quote{Currency: "USD", OfficialAmount: amt("200"), Amount: amt("170"), DiscountAmount: amt("30"), Discount: "y", Excludes: []string{"evs", "hss"}}
	if !equalQuote(*q, want) {
		t.Errorf("%+v", q)
	}
	if got := f.subCalls[0]; len(got) != 1 || got[0] != (api.PeriodProductInfo{ID: "1", CloudServiceType: "hws.service.type.hcss", ResourceType: "hws.resource.type.hecsfusion",
		ResourceSpec: "hf.large.1.30m.linux", Region: "ap-southeast-3", PeriodType: 3, PeriodNum: 1, SubscriptionNum: 2}) {
		t.Errorf("%+v", got)
	}
	// Another unit than the main one is refused rather than misread.
	f.sub = func([]api.PeriodProductInfo) (*api.RateOnPeriodResult, error) {
		return &api.RateOnPeriodResult{OfficialWebsiteRatingResult: api.OfficialRating{OfficialWebsiteAmount: amt("2000"), MeasureID: 3}}, nil
	}
	if _, err := Purchase(context.Background(), f, req); err == nil || !strings.Contains(err.Error(), "measure_id 3") {
		t.Errorf("%v", err)
	}
}

// renewAnswer prices each asked ID at 10 (list), except those in fail.
func renewAnswer(fail ...string) func(api.RenewRateRequest) (*api.RenewRateResult, error) {
	return func(r api.RenewRateRequest) (*api.RenewRateResult, error) {
		res := &api.RenewRateResult{Currency: "USD"}
		for _, id := range r.ResourceIDs {
			if slices.Contains(fail, id) {
				res.FailResourceInfos = append(res.FailResourceInfos, api.FailResourceInfo{ErrorCode: "CBC.30050009", ErrorMsg: "gone", ResourceID: id})
				continue
			}
			res.RenewInquiryResults = append(res.RenewInquiryResults, api.RenewInquiryResult{ResourceID: id, Amount: amt("10")})
			res.OfficialWebsiteRatingResult.OfficialWebsiteAmount += amt("10")
		}
		if r.PeriodType == api.RenewYear {
			off := res.OfficialWebsiteRatingResult.OfficialWebsiteAmount
			res.OptionalDiscountRatingResults = []api.DiscountRating{{DiscountName: "yearly", BestOffer: 1, Amount: off - off/10}}
		}
		return res, nil
	}
}

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("6743d0e3708be6007b8c%04d", i)
	}
	return out
}

// 12 instances take 2 calls (10 + 2); the figures add up exactly; BSS's
// refusals leave instances out of the total and say so.
func TestRenewalOf(t *testing.T) {
	f := &fakeRater{renew: renewAnswer(ids(12)[11])}
	r, err := RenewalOf(context.Background(), f, ids(12), "year", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.renCalls) != 2 || len(f.renCalls[0].ResourceIDs) != 10 || len(f.renCalls[1].ResourceIDs) != 2 || f.renCalls[0].PeriodType != 3 ||
		f.renCalls[0].PeriodNum != 1 || !f.renCalls[0].IncludeRelativeResources {
		t.Errorf("calls %+v", f.renCalls)
	}
	want := Quote{Currency: "USD", OfficialAmount: amt("110"), Amount: amt("99"), DiscountAmount: amt("11"), Discount: "yearly"}
	if !equalQuote(r.Quote, want) || len(r.NotPriced) != 1 || r.NotPriced[0].ID != ids(12)[11] || r.NotPriced[0].Error != "CBC.30050009: gone" {
		t.Errorf("%+v", r)
	}
	if !strings.Contains(r.Text(), "99.00 USD (list price 110.00 USD, discount 11.00 USD: yearly); 1 instance(s) not priced") {
		t.Errorf("%s", r.Text())
	}
}

func TestRenewalOfFailures(t *testing.T) {
	forbidden := &api.Error{Op: api.OpRenewRate, StatusCode: 403, Code: "CBC.0151", Message: "Access denied."}
	tests := []struct {
		name  string
		renew func(api.RenewRateRequest) (*api.RenewRateResult, error)
		n     int
		err   string // "" when priced
		out   string // in NotPriced when priced
	}{
		{"all refused", renewAnswer(ids(2)...), 2, "BSS priced none of the instances: CBC.30050009: gone", ""},
		{"403", func(api.RenewRateRequest) (*api.RenewRateResult, error) { return nil, forbidden }, 2, "HTTP 403 CBC.0151", ""},
		{"one call of two fails", func(r api.RenewRateRequest) (*api.RenewRateResult, error) {
			if len(r.ResourceIDs) == 1 {
				return nil, forbidden
			}
			return renewAnswer()(r)
		}, 11, "", "HTTP 403"},
		{"an ID not asked about", func(r api.RenewRateRequest) (*api.RenewRateResult, error) {
			return &api.RenewRateResult{RenewInquiryResults: []api.RenewInquiryResult{{ResourceID: "other", Amount: amt("1")}}}, nil
		}, 1, `prices "other", which was not asked about`, ""},
		{"left out of the answer", func(r api.RenewRateRequest) (*api.RenewRateResult, error) {
			return renewAnswer()(api.RenewRateRequest{ResourceIDs: r.ResourceIDs[:1]})
		}, 2, "", "not in BSS's answer"},
		{"currencies differ", func(r api.RenewRateRequest) (*api.RenewRateResult, error) {
			res, _ := renewAnswer()(r)
			if len(r.ResourceIDs) == 1 {
				res.Currency = "CNY"
			}
			return res, nil
		}, 11, "", "in CNY, an earlier one in USD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := RenewalOf(context.Background(), &fakeRater{renew: tt.renew}, ids(tt.n), "month", 1)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("%+v %v", r, err)
				}
				return
			}
			if err != nil || len(r.NotPriced) == 0 || !strings.Contains(r.NotPriced[len(r.NotPriced)-1].Error, tt.out) {
				t.Fatalf("%+v %v", r, err)
			}
		})
	}
}

// specAnswer prices each product at 10 x its index, except codes in
// unknown, which fail the whole call as BSS does.
func specAnswer(unknown ...string) func([]api.PeriodProductInfo) (*api.RateOnPeriodResult, error) {
	return func(infos []api.PeriodProductInfo) (*api.RateOnPeriodResult, error) {
		res := &api.RateOnPeriodResult{Currency: "USD", OfficialWebsiteRatingResult: api.OfficialRating{MeasureID: 1}}
		disc := api.DiscountRating{DiscountName: "d", BestOffer: 1}
		for _, p := range infos {
			if slices.Contains(unknown, p.ResourceSpec) {
				return nil, &api.Error{Op: api.OpSubscribeRate, StatusCode: 400, Code: api.CodeProductNotFound, Message: "The product is not found."}
			}
			a, _ := api.ParseAmount(strings.TrimPrefix(p.ResourceSpec, "s"))
			res.OfficialWebsiteRatingResult.ProductRatingResults = append(res.OfficialWebsiteRatingResult.ProductRatingResults, api.ProductRating{ID: p.ID, OfficialWebsiteAmount: a})
			disc.ProductRatingResults = append(disc.ProductRatingResults, api.ProductRating{ID: p.ID, Amount: a - a/10})
		}
		res.OptionalDiscountRatingResults = []api.DiscountRating{disc}
		return res, nil
	}
}

func codes(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("s%d", (i+1)*10)
	}
	return out
}

// Specs are priced 100 to a call; an unknown spec is found by halving its
// call, and the others keep their prices.
func TestSpecs(t *testing.T) {
	tests := []struct {
		name     string
		n        int
		unknown  []string
		calls    int
		notFound int
	}{
		{"12 specs: one call", 12, nil, 1, 0},
		{"100 specs: one call", 100, nil, 1, 0},
		{"150 specs: two calls", 150, nil, 2, 0},
		{"one unknown of 12", 12, []string{"s30"}, 9, 1}, // 12; 6 (bad); 3 (bad); 1; 2 (bad); 1; 1; 3; 6
		{"all 4 unknown", 4, []string{"s10", "s20", "s30", "s40"}, 7, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeRater{sub: specAnswer(tt.unknown...)}
			sp, err := Specs(context.Background(), f, "ap-southeast-3", codes(tt.n), "month", 2)
			if err != nil {
				t.Fatal(err)
			}
			if sp.Calls != tt.calls || len(f.subCalls) != tt.calls || len(sp.NotFound) != tt.notFound || len(sp.Quotes) != tt.n-tt.notFound {
				t.Errorf("calls %d (%d), not found %v, quotes %d", sp.Calls, len(f.subCalls), sp.NotFound, len(sp.Quotes))
			}
			for _, c := range f.subCalls {
				if len(c) > api.MaxRateProducts || c[0].PeriodType != 2 || c[0].PeriodNum != 2 || c[0].SubscriptionNum != 1 || c[0].Region != "ap-southeast-3" {
					t.Errorf("call %+v", c[0])
				}
			}
			if q, ok := sp.Quotes["s20"]; ok && (q.OfficialAmount != amt("20") || q.Amount != amt("18") || q.Discount != "d") {
				t.Errorf("s20: %+v", q)
			}
			for _, u := range tt.unknown {
				if !strings.Contains(sp.NotFound[u], "CBC.99006006") {
					t.Errorf("%s: %q", u, sp.NotFound[u])
				}
			}
		})
	}
	// Any other failure is the command's.
	f := &fakeRater{sub: func([]api.PeriodProductInfo) (*api.RateOnPeriodResult, error) {
		return nil, &api.Error{Op: api.OpSubscribeRate, StatusCode: 403, Code: "CBC.0151"}
	}}
	if _, err := Specs(context.Background(), f, "r", codes(3), "month", 1); err == nil || len(f.subCalls) != 1 {
		t.Errorf("%v after %d calls", err, len(f.subCalls))
	}
}

func TestWhy(t *testing.T) {
	tests := []struct {
		err  error
		want []string
	}{
		{fmt.Errorf("x: %w", context.DeadlineExceeded), []string{"no answer from BSS within 5s"}},
		{&api.Error{Op: api.OpSubscribeRate, StatusCode: 403, Code: "CBC.0151", Message: "Access denied."},
			[]string{"HTTP 403 CBC.0151: Access denied.", "bss:discount:view", "billing:contract:viewDiscount"}},
		{&api.Error{Op: api.OpSubscribeRate, StatusCode: 400, Code: "CBC.99006006", Message: "The product is not found."},
			[]string{"no API price for this plan", "CBC.99006006"}},
		{errors.New("dial tcp: refused\nsecond line \x1b[2J"), []string{"dial tcp: refused"}},
		{&api.NotSentError{Op: api.OpSubscribeRate, URL: "http://h/p", Cause: &url.Error{Op: "Post", URL: "http://h/p", Err: errors.New("dial tcp h:80: connect: connection refused")}},
			[]string{"could not connect: dial tcp h:80: connect: connection refused"}},
		{&api.Error{Op: "o", StatusCode: 400, Message: "bad\x1b[2Jtext"}, []string{"bad^[[2Jtext"}},
	}
	for _, tt := range tests {
		got := Why(tt.err)
		for _, w := range tt.want {
			if !strings.Contains(got, w) || strings.ContainsAny(got, "\n\x1b") {
				t.Errorf("Why(%v) = %q, want %q", tt.err, got, w)
			}
		}
	}
}

// When the inquiry's time is up mid-way, no partial sum is given: the
// timeout is the answer.
func TestRenewalOfStopsAtTheDeadline(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	f := &fakeRater{renew: func(r api.RenewRateRequest) (*api.RenewRateResult, error) {
		calls++
		if calls == 2 {
			cancel()
			return nil, fmt.Errorf("%s: %w", api.OpRenewRate, context.Canceled)
		}
		return renewAnswer()(r)
	}}
	r, err := RenewalOf(ctx, f, ids(25), "month", 1)
	if r != nil || !errors.Is(err, context.Canceled) || calls != 2 || Why(err) != "interrupted" {
		t.Errorf("%+v %v after %d calls", r, err, calls)
	}
}
