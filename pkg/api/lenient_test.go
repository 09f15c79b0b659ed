package api

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// BSS figures as strings, as the SDK's decimal.Decimal reads them: the
// SDK-shaped examples decode to the same values as the documented ones.
func TestWireBSSDecimalStrings(t *testing.T) {
	var fr freeResourcesAnswer
	if err := DecodeJSON(wire(t, "bss/free-resource-usages.decimal.response.json"), &fr); err != nil || len(fr.FreeResources) != 1 {
		t.Fatalf("traffic answer: %+v %v", fr, err)
	}
	if u := fr.FreeResources[0]; u.Amount != 742.5 || u.OriginalAmount != 1024 || u.MeasureID != MeasureGB || u.QuotaReuseCycle != 4 {
		t.Errorf("traffic: %+v", u)
	}
	var q subscriptionsPage
	if err := DecodeJSON(wire(t, "bss/query-resources.decimal.response.json"), &q); err != nil || len(q.Data) != 1 {
		t.Fatalf("query answer: %+v %v", q, err)
	}
	if s := q.Data[0]; s.SpecSize != 40 || s.SpecSizeMeasureID != 17 || s.Status != SubscriptionInUse || !s.AutoRenew() {
		t.Errorf("subscription: %+v", s)
	}
	var orders customerOrdersPage
	if err := DecodeJSON([]byte(strings.Replace(string(wire(t, "bss/list-customer-orders.response.json")), `"total_count": 1`, `"total_count": "1"`, 1)), &orders); err != nil ||
		orders.TotalCount != 1 || len(orders.OrderInfos) != 1 {
		t.Errorf("orders page: %+v %v", orders, err)
	}
	var q2 subscriptionsPage
	if err := DecodeJSON([]byte(`{"total_count":"2","data":[]}`), &q2); err != nil || q2.TotalCount != 2 {
		t.Errorf("subscriptions page: %+v %v", q2, err)
	}
	var d OrderDetails
	if err := DecodeJSON(wire(t, "bss/order-details.decimal.response.json"), &d); err != nil {
		t.Fatal(err)
	}
	if d.TotalCount != 1 || d.OrderInfo.AmountAfterDiscount != 19 || d.OrderInfo.OfficialAmount != 19 || d.OrderInfo.Status != StatusCompleted ||
		len(d.OrderLineItems) != 1 || d.OrderLineItems[0].AmountAfterDiscount != 19 || d.OrderLineItems[0].PeriodNum != 1 {
		t.Errorf("order: %+v", d)
	}
}

// Every numeric field of a BSS record reads a number or a numeric string;
// anything else is an error naming the field.
func TestBSSNumbersTable(t *testing.T) {
	tests := []struct {
		json string
		want FreeResourceUsage
		err  string
	}{
		{`{"amount":1.5,"original_amount":2,"measure_id":10}`, FreeResourceUsage{Amount: 1.5, OriginalAmount: 2, MeasureID: 10}, ""},
		{`{"amount":"1.5","original_amount":"2","measure_id":"10"}`, FreeResourceUsage{Amount: 1.5, OriginalAmount: 2, MeasureID: 10}, ""},
		{`{"amount":" 0.25 ","quota_reuse_cycle":"4","quota_reuse_cycle_type":"2"}`, FreeResourceUsage{Amount: 0.25, QuotaReuseCycle: 4, QuotaReuseCycleType: 2}, ""},
		{`{"amount":"","original_amount":null}`, FreeResourceUsage{}, ""},
		{`{"amount":"1e3"}`, FreeResourceUsage{Amount: 1000}, ""},
		// Numbers first, then a string: the fast path stops part-way and
		// the slow path starts again from zero.
		{`{"measure_id":10,"original_amount":2,"amount":"1.5","usage_type_name":"x"}`, FreeResourceUsage{MeasureID: 10, OriginalAmount: 2, Amount: 1.5, UsageTypeName: "x"}, ""},
		{`{"amount":"-0.5"}`, FreeResourceUsage{Amount: -0.5}, ""},
		{`{"usage_type_name":"\"amount\":\"x\"","amount":3}`, FreeResourceUsage{UsageTypeName: `"amount":"x"`, Amount: 3}, ""},
		{`{"amount":"abc"}`, FreeResourceUsage{}, `amount: "abc" is not a finite number`},
		{`{"amount":"NaN"}`, FreeResourceUsage{}, `amount: "NaN" is not a finite number`},
		{`{"amount":"+Inf"}`, FreeResourceUsage{}, `amount: "+Inf" is not a finite number`},
		{`{"original_amount":"1e400"}`, FreeResourceUsage{}, `original_amount: "1e400" is not a finite number`},
		{`{"measure_id":"10.5"}`, FreeResourceUsage{}, "measure_id"},
		{`{"amount":true}`, FreeResourceUsage{}, "amount"},
		{`[1]`, FreeResourceUsage{}, "cannot unmarshal array"},
	}
	for _, tt := range tests {
		var u FreeResourceUsage
		err := DecodeJSON([]byte(tt.json), &u)
		if err == nil {
			err = u.Unreadable()
		}
		u.unreadable = nil
		switch {
		case tt.err == "" && (err != nil || u != tt.want):
			t.Errorf("%s: %+v %v", tt.json, u, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: err %v, want %q", tt.json, err, tt.err)
		}
		// An order's figures are read the same way, but a bad one fails
		// the order (the amount of an order is never guessed).
		var o OrderInfo
		oerr := DecodeJSON([]byte(strings.NewReplacer(`"amount"`, `"amount_after_discount"`, `"original_amount"`, `"official_amount"`).Replace(tt.json)), &o)
		if (oerr != nil) != (tt.err != "") {
			t.Errorf("order %s: %+v %v", tt.json, o, oerr)
		}
	}
}

// A traffic package with a figure that is not a number costs only its
// row: the answer still decodes, the package says which figure.
func TestFreeResourceBadFigureIsPerPackage(t *testing.T) {
	var a freeResourcesAnswer
	body := `{"free_resources":[{"free_resource_id":"p1","amount":"+Inf","original_amount":1e999,"measure_id":10},` +
		`{"free_resource_id":"p2","amount":"1.5","original_amount":2,"measure_id":10}]}`
	if err := DecodeJSON([]byte(body), &a); err != nil || len(a.FreeResources) != 2 {
		t.Fatalf("%+v %v", a, err)
	}
	p1, p2 := a.FreeResources[0], a.FreeResources[1]
	if err := p1.Unreadable(); err == nil || !strings.Contains(err.Error(), `amount: "+Inf" is not a finite number`) ||
		!strings.Contains(err.Error(), `original_amount: "1e999" is not a finite number`) || p1.FreeResourceID != "p1" || p1.MeasureID != 10 {
		t.Errorf("p1 %+v %v", p1, err)
	}
	if p2.Unreadable() != nil || p2.Amount != 1.5 {
		t.Errorf("p2 %+v", p2)
	}
}

// The client calls read string figures end to end (what instance traffic
// and instance show call).
func TestBSSCallsReadDecimalStrings(t *testing.T) {
	srv, _ := counting(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/payments/free-resources/usages/details/query":
			w.Write(wire(t, "bss/free-resource-usages.decimal.response.json"))
		case "/v2/orders/suscriptions/resources/query":
			w.Write(wire(t, "bss/query-resources.decimal.response.json"))
		default:
			w.WriteHeader(404)
			io.WriteString(w, `{"error_code":"X","error_msg":"no route"}`)
		}
	})
	c, _ := newClient(srv.URL, nil)
	c.Endpoints[BSS] = srv.URL
	us, err := c.ListFreeResourceUsages(context.Background(), []string{"828e2c7c-3c8c-45a2-bebc-98cb3e77d06e"})
	if err != nil || len(us) != 1 || us[0].Amount != 742.5 || us[0].OriginalAmount != 1024 {
		t.Errorf("traffic %+v %v", us, err)
	}
	ss, err := c.ListPayPerUseCustomerResources(context.Background(), []string{"6743d0e3708be6007b8c8012"})
	if err != nil || len(ss) != 1 || ss[0].SpecSize != 40 {
		t.Errorf("subscriptions %+v %v", ss, err)
	}
}
