package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want Amount
		text string // String()
		js   string // MarshalJSON
	}{
		{"4.2", 4_200_000, "4.20", "4.2"},
		{"4.20", 4_200_000, "4.20", "4.2"},
		{"42", 42_000_000, "42.00", "42"},
		{"0", 0, "0.00", "0"},
		{"0.015", 15_000, "0.015", "0.015"},
		{"-1.5", -1_500_000, "-1.50", "-1.5"},
		{".5", 500_000, "0.50", "0.5"},
		{"3.", 3_000_000, "3.00", "3"},
		{"1.0000005", 1_000_001, "1.000001", "1.000001"},
		{"1.0000004", 1_000_000, "1.00", "1"},
		{"1e3", 1_000_000_000, "1000.00", "1000"},
		{" 32.2 ", 32_200_000, "32.20", "32.2"},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in)
		if err != nil || got != tt.want || got.String() != tt.text {
			t.Errorf("%q: %d %q %v", tt.in, got, got.String(), err)
		}
		if b, _ := json.Marshal(got); string(b) != tt.js {
			t.Errorf("%q: JSON %s, want %s", tt.in, b, tt.js)
		}
	}
	for _, bad := range []string{"", "-", ".", "abc", "1.2.3", "1,5", "NaN", "1e400", "99999999999999", "0x10", "+-1"} {
		if _, err := ParseAmount(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	// JSON: a number or a string, null or "" as zero.
	var v struct{ A, B, C, D Amount }
	if err := json.Unmarshal([]byte(`{"A":4.2,"B":"4.20","C":null,"D":""}`), &v); err != nil || v.A != 4_200_000 || v.B != 4_200_000 || v.C != 0 || v.D != 0 {
		t.Errorf("%+v %v", v, err)
	}
	if err := json.Unmarshal([]byte(`{"A":"four"}`), &v); err == nil || !strings.Contains(err.Error(), "not an amount") {
		t.Errorf("%v", err)
	}
	if err := json.Unmarshal([]byte(`{"A":true}`), &v); err == nil {
		t.Error("true read as an amount")
	}
}

// The documented rating answers decode, amounts as numbers and as strings.
func TestWireRatings(t *testing.T) {
	var sub RateOnPeriodResult
	if err := DecodeJSON(wire(t, "bss/subscribe-rate.response.json"), &sub); err != nil {
		t.Fatal(err)
	}
	o := sub.OfficialWebsiteRatingResult
	if o.OfficialWebsiteAmount != 4_200_000 || o.MeasureID != MeasureMainUnit || len(o.ProductRatingResults) != 1 || o.ProductRatingResults[0].ID != "1" ||
		o.ProductRatingResults[0].OfficialWebsiteAmount != 4_200_000 || sub.Currency != "USD" || len(sub.OptionalDiscountRatingResults) != 0 {
		t.Errorf("%+v", sub)
	}
	var disc RateOnPeriodResult
	if err := DecodeJSON(wire(t, "bss/subscribe-rate.discount.response.json"), &disc); err != nil {
		t.Fatal(err)
	}
	if d := disc.OptionalDiscountRatingResults; len(d) != 2 || d[0].BestOffer != 1 || d[0].Amount != 35_700_000 || d[0].DiscountAmount != 6_300_000 ||
		d[0].DiscountName != "Partner discount" || d[0].DiscountType != 607 || d[0].ProductRatingResults[0].Amount != 35_700_000 || d[1].BestOffer != 0 {
		t.Errorf("%+v", d)
	}
	var ren RenewRateResult
	if err := DecodeJSON(wire(t, "bss/renew-rate.response.json"), &ren); err != nil {
		t.Fatal(err)
	}
	if ren.Currency != "USD" || len(ren.RenewInquiryResults) != 1 || ren.RenewInquiryResults[0] != (RenewInquiryResult{"6743d0e3708be6007b8c8012", 4_200_000}) ||
		ren.OfficialWebsiteRatingResult.OfficialWebsiteAmount != 4_200_000 || len(ren.FailResourceInfos) != 0 {
		t.Errorf("%+v", ren)
	}
	var rd RenewRateResult
	if err := DecodeJSON(wire(t, "bss/renew-rate.discount.response.json"), &rd); err != nil {
		t.Fatal(err)
	}
	if d := rd.OptionalDiscountRatingResults; len(d) != 1 || d[0].Amount != 35_700_000 || d[0].OfficialWebsiteAmount != 42_000_000 || d[0].BestOffer != 1 ||
		len(rd.FailResourceInfos) != 1 || rd.FailResourceInfos[0].ErrorCode != "CBC.30050009" {
		t.Errorf("%+v", rd)
	}
	e := decodeError(OpSubscribeRate, 400, nil, wire(t, "bss/subscribe-rate.error.json"))
	if e.Code != CodeProductNotFound || !IsProductNotFound(e) || IsProductNotFound(errors.New(CodeProductNotFound)) {
		t.Errorf("%+v", e)
	}
}

// ratingServer records each request and answers with answer.
func ratingServer(t *testing.T, status int, answer string) (*Client, *recorder) {
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	c, _ := newClient(srv.URL, nil)
	return c, rec
}

// The exact bytes of both inquiries are the documented examples': POST,
// JSON, the token, no Client-Request-Id (reads are not at-most-once).
func TestRatingRequestsSendDocumentedBytes(t *testing.T) {
	c, rec := ratingServer(t, 200, string(wire(t, "bss/subscribe-rate.response.json")))
	c.ProjectID = "067cf8aecf3e4d6b9b4a5c0e1f2d3c4b"
	info := PeriodProductInfo{ID: "1", CloudServiceType: ServiceTypeHCSS, ResourceType: ResourceTypeHECSFusion, ResourceSpec: "hf.large.05.40g.30m.linux",
		Region: "ap-southeast-1", PeriodType: RenewMonth, PeriodNum: 1, SubscriptionNum: 1}
	res, err := c.ListRateOnPeriodDetail(context.Background(), "ap-southeast-1", []PeriodProductInfo{info})
	if err != nil || res.OfficialWebsiteRatingResult.OfficialWebsiteAmount != 4_200_000 {
		t.Fatalf("%+v %v", res, err)
	}
	c2, rec2 := ratingServer(t, 200, string(wire(t, "bss/renew-rate.response.json")))
	ren, err := c2.ListRenewRateOnPeriod(context.Background(), RenewRateRequest{ResourceIDs: []string{"6743d0e3708be6007b8c8012"}, PeriodType: RenewMonth, PeriodNum: 1, IncludeRelativeResources: true})
	if err != nil || len(ren.RenewInquiryResults) != 1 {
		t.Fatalf("%+v %v", ren, err)
	}
	for _, tt := range []struct {
		rec       *recorder
		path, doc string
	}{{rec, "/v2/bills/ratings/period-resources/subscribe-rate", "bss/subscribe-rate.request.json"}, {rec2, "/v2/bills/ratings/period-resources/renew-rate", "bss/renew-rate.request.json"}} {
		got := tt.rec.all()
		if len(got) != 1 {
			t.Fatalf("%d requests", len(got))
		}
		r := got[0]
		if r.Method != "POST" || r.Path != tt.path || string(r.Body) != wireCompact(t, tt.doc) || r.Header.Get("Content-Type") != "application/json" ||
			r.Header.Get("X-Auth-Token") != token || r.Header.Get("Client-Request-Id") != "" {
			t.Errorf("%s %s %s %v", r.Method, r.Path, r.Body, r.Header)
		}
	}
}

// Inquiries are reads: retried on 5xx and 429 (the same bytes), and a
// refusal is an *Error naming the inquiry; an answer with only error_code
// is one too.
func TestRatingRetriesAndErrors(t *testing.T) {
	answer := string(wire(t, "bss/renew-rate.response.json"))
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		switch len(rec.all()) {
		case 1:
			w.WriteHeader(500)
		case 2:
			w.WriteHeader(429)
		default:
			io.WriteString(w, answer)
		}
	}))
	t.Cleanup(srv.Close)
	c, _ := newClient(srv.URL, nil)
	req := RenewRateRequest{ResourceIDs: []string{"6743d0e3708be6007b8c8012"}, PeriodType: RenewYear, PeriodNum: 2}
	if _, err := c.ListRenewRateOnPeriod(context.Background(), req); err != nil || len(rec.all()) != 3 {
		t.Fatalf("%d tries: %v", len(rec.all()), err)
	}
	for _, r := range rec.all() {
		if string(r.Body) != `{"resource_ids":["6743d0e3708be6007b8c8012"],"period_type":3,"period_num":2,"include_relative_resources":false}` {
			t.Errorf("body %s", r.Body)
		}
	}

	c403, _ := ratingServer(t, 403, `{"error_code":"CBC.0151","error_msg":"Access denied."}`)
	_, err := c403.ListRenewRateOnPeriod(context.Background(), req)
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != 403 || e.Code != "CBC.0151" || !strings.HasPrefix(err.Error(), OpRenewRate) {
		t.Errorf("%v", err)
	}
	c200, _ := ratingServer(t, 200, `{"error_code":"CBC.99006024","error_msg":"Product lookup failed."}`)
	if _, err := c200.ListRenewRateOnPeriod(context.Background(), req); !errors.As(err, &e) || e.Code != "CBC.99006024" {
		t.Errorf("%v", err)
	}
	cnf, _ := ratingServer(t, 400, string(wire(t, "bss/subscribe-rate.error.json")))
	cnf.ProjectID = "p"
	if _, err := cnf.ListRateOnPeriodDetail(context.Background(), "r", []PeriodProductInfo{{ID: "1"}}); !IsProductNotFound(err) {
		t.Errorf("%v", err)
	}
}

// Nothing is sent for a list the API would refuse.
func TestRatingLimitsSendNothing(t *testing.T) {
	c, rec := ratingServer(t, 200, `{}`)
	c.ProjectID = "p"
	many := make([]PeriodProductInfo, MaxRateProducts+1)
	for i := range many {
		many[i].ID = strings.Repeat("x", i+1)[:min(i+1, 64)] + string(rune('a'+i%26))
	}
	ctx := context.Background()
	for name, err := range map[string]error{
		"no products":  func() error { _, err := c.ListRateOnPeriodDetail(ctx, "r", nil); return err }(),
		"101 products": func() error { _, err := c.ListRateOnPeriodDetail(ctx, "r", many); return err }(),
		"repeated id": func() error {
			_, err := c.ListRateOnPeriodDetail(ctx, "r", []PeriodProductInfo{{ID: "1"}, {ID: "1"}})
			return err
		}(),
		"empty id": func() error { _, err := c.ListRateOnPeriodDetail(ctx, "r", []PeriodProductInfo{{}}); return err }(),
		"no IDs":   func() error { _, err := c.ListRenewRateOnPeriod(ctx, RenewRateRequest{}); return err }(),
		"11 IDs": func() error {
			_, err := c.ListRenewRateOnPeriod(ctx, RenewRateRequest{ResourceIDs: strings.Split("a b c d e f g h i j k", " ")})
			return err
		}(),
	} {
		if err == nil || !strings.Contains(err.Error(), "nothing was sent") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
