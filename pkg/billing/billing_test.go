package billing

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
)

func TestValidateRenewal(t *testing.T) {
	tests := []struct {
		pt   string
		n    int
		want string // "" = valid
	}{
		{"month", 1, ""}, {"month", 11, ""}, {"year", 1, ""}, {"year", 3, ""},
		{"month", 0, `--period: is required: 1-11 months or 1-3 years`},
		{"month", 12, `--period "12": must be 1 to 11 when --period-type is month`},
		{"month", -1, `--period "-1"`},
		{"year", 4, `--period "4": must be 1 to 3 when --period-type is year`},
		{"year", 0, `--period: is required`},
		{"week", 1, `--period-type "week": is not a renewal period type; allowed: month, year`},
		{"Month", 1, `--period-type "Month"`},
		{"", 1, `--period-type: is required; allowed: month, year`},
	}
	for _, tt := range tests {
		ps := ValidateRenewal(tt.pt, tt.n)
		switch {
		case tt.want == "" && len(ps) > 0:
			t.Errorf("%s %d: %v", tt.pt, tt.n, ps)
		case tt.want != "" && (len(ps) != 1 || !strings.Contains(ps.Error(), tt.want)):
			t.Errorf("%s %d: %v, want %q", tt.pt, tt.n, ps, tt.want)
		}
	}
}

func TestRenewalRequest(t *testing.T) {
	r := Renewal{PeriodType: PeriodMonth, Periods: 2, AutoPay: true}.Request([]string{"a"})
	if r.PeriodType != api.RenewMonth || r.PeriodNum != 2 || r.IsAutoPay != 1 || r.ResourceIDs[0] != "a" {
		t.Errorf("%+v", r)
	}
	r = Renewal{PeriodType: PeriodYear, Periods: 3}.Request([]string{"a"})
	if r.PeriodType != api.RenewYear || r.IsAutoPay != 0 {
		t.Errorf("%+v", r)
	}
	if d := (Renewal{PeriodType: PeriodMonth, Periods: 1}).Describe(); d != "1 month" {
		t.Error(d)
	}
	if d := (Renewal{PeriodType: PeriodYear, Periods: 2}).Describe(); d != "2 years" {
		t.Error(d)
	}
}

func TestValidateTargets(t *testing.T) {
	if ps := ValidateTargets([]string{"web-1", "6743d0e3708be6007b8c8012"}); len(ps) != 0 {
		t.Error(ps)
	}
	if ps := ValidateTargets(nil); len(ps) != 1 || !strings.Contains(ps.Error(), "at least one instance") {
		t.Error(ps)
	}
	if ps := ValidateTargets([]string{"a", "b", "a", " "}); len(ps) != 2 || !strings.Contains(ps.Error(), `ID|NAME "a": is given more than once`) || !strings.Contains(ps.Error(), "is empty") {
		t.Error(ps)
	}
}

func TestSplit(t *testing.T) {
	var ids []string
	for i := range 23 {
		ids = append(ids, fmt.Sprint(i))
	}
	for n, want := range map[int][]int{10: {10, 10, 3}, 23: {23}, 100: {23}, 1: make([]int, 23)} {
		got := Split(ids, n)
		if len(got) != len(want) {
			t.Errorf("n=%d: %d calls, want %d", n, len(got), len(want))
			continue
		}
		var joined []string
		for i, c := range got {
			if want[i] != 0 && len(c) != want[i] {
				t.Errorf("n=%d call %d has %d", n, i, len(c))
			}
			joined = append(joined, c...)
		}
		if strings.Join(joined, ",") != strings.Join(ids, ",") {
			t.Errorf("n=%d: order or content changed", n)
		}
	}
	if got := Split(ids[:12], MaxIDsPerCall); len(got) != 2 || len(got[0]) != 10 || len(got[1]) != 2 {
		t.Errorf("12 at the limit: %v", got)
	}
	if Split(nil, 10) != nil {
		t.Error("nothing to split")
	}
}

func TestExpiryAfter(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		from, pt string
		n        int
		want     string
	}{
		{"2024-12-25T15:59:59Z", "month", 1, "2025-01-25T15:59:59Z"}, // the doc's example subscription
		{"2024-12-25T15:59:59Z", "month", 2, "2025-02-25T15:59:59Z"},
		{"2024-12-25T15:59:59Z", "month", 11, "2025-11-25T15:59:59Z"},
		{"2024-12-25T15:59:59Z", "year", 3, "2027-12-25T15:59:59Z"},
		{"2025-01-31T15:59:59Z", "month", 1, "2025-02-28T15:59:59Z"}, // no 31 February
		{"2024-01-31T15:59:59Z", "month", 1, "2024-02-29T15:59:59Z"}, // leap year
		{"2025-03-31T00:00:00Z", "month", 1, "2025-04-30T00:00:00Z"},
		{"2024-02-29T12:00:00Z", "year", 1, "2025-02-28T12:00:00Z"},
		{"2025-08-31T10:00:00Z", "month", 6, "2026-02-28T10:00:00Z"},
	}
	for _, tt := range tests {
		if got := ExpiryAfter(at(tt.from), tt.pt, tt.n).Format(time.RFC3339); got != tt.want {
			t.Errorf("%s + %d %s = %s, want %s", tt.from, tt.n, tt.pt, got, tt.want)
		}
	}
}

func TestAutoRenewLimits(t *testing.T) {
	for _, n := range []int{0, 1, 99} {
		if ps := ValidateAutoRenewTimes(n); len(ps) != 0 {
			t.Errorf("%d: %v", n, ps)
		}
	}
	for _, n := range []int{-1, 100} {
		if ps := ValidateAutoRenewTimes(n); len(ps) != 1 || !strings.Contains(ps.Error(), "must be 0 (unlimited) to 99") {
			t.Errorf("%d: %v", n, ps)
		}
	}
	for s, want := range map[string]bool{"on": true, "ON": true, "off": false} {
		if got, p := ParseOnOff(s); p != nil || got != want {
			t.Errorf("%s: %v %v", s, got, p)
		}
	}
	if _, p := ParseOnOff("yes"); p == nil || !strings.Contains(p.Error(), `on|off "yes": must be on or off`) {
		t.Error(p)
	}
}

func TestOrderFilters(t *testing.T) {
	for s, want := range map[string]int{"pending-payment": 6, "6": 6, "Pending_Payment": 6, "completed": 5, "cancelled": 4} {
		if got, p := ParseOrderStatus(s); p != nil || got != want {
			t.Errorf("status %q: %d %v", s, got, p)
		}
	}
	if _, p := ParseOrderStatus("7"); p == nil || !strings.Contains(p.Error(), "pending-review (1), pending-refund (2), processing (3)") {
		t.Errorf("status 7: %v", p)
	}
	for s, want := range map[string]int{"renewal": 2, "unsubscribe": 4, "new": 1, "2": 2} {
		if got, p := ParseOrderType(s); p != nil || got != want {
			t.Errorf("type %q: %d %v", s, got, p)
		}
	}
	if _, p := ParseOrderType("refund"); p == nil || !strings.Contains(p.Error(), `--type "refund": is not known; allowed: new (1), renewal (2)`) {
		t.Errorf("%v", p)
	}
	for s, want := range map[string]time.Duration{"7d": 7 * 24 * time.Hour, "36h": 36 * time.Hour, "90m": 90 * time.Minute, "1825d": 1825 * 24 * time.Hour} {
		if got, p := ParseSince(s); p != nil || got != want {
			t.Errorf("since %q: %v %v", s, got, p)
		}
	}
	for _, s := range []string{"", "0d", "-1d", "d", "7 days", "1826d", "-5h", "0s"} {
		if _, p := ParseSince(s); p == nil || !strings.Contains(p.Error(), "--since") {
			t.Errorf("since %q accepted", s)
		}
	}
}

func TestTraffic(t *testing.T) {
	// The documented example: 1024 GB, 742.5 left.
	u := api.FreeResourceUsage{Amount: 742.5, OriginalAmount: 1024, MeasureID: 10, EndTime: "2025-02-25T16:00:00Z"}
	tr, err := TrafficOf(u)
	if err != nil || tr.TotalGB != 1024 || tr.UsedGB != 281.5 || tr.RemainingGB != 742.5 || tr.UsedPercent != 27.5 ||
		!tr.ResetsAt.Equal(time.Date(2025, 2, 25, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("%+v %v", tr, err)
	}
	for _, c := range []struct {
		amount, total, pct float64
	}{{1024, 1024, 0}, {0, 1024, 100}, {0, 0, 0}, {1, 3, 66.7}, {-5, 100, 100}} {
		tr, _ := TrafficOf(api.FreeResourceUsage{Amount: c.amount, OriginalAmount: c.total, MeasureID: 10})
		if tr.UsedPercent != c.pct || tr.UsedGB < 0 {
			t.Errorf("%v of %v: %+v", c.amount, c.total, tr)
		}
	}
	if _, err := TrafficOf(api.FreeResourceUsage{MeasureID: 11, Amount: 5, OriginalAmount: 10}); err == nil || !strings.Contains(err.Error(), "measure_id 11 is not known") {
		t.Error(err)
	}
	// Figures that are not traffic (issue 18, item 12): an error for the
	// row, never a NaN or infinite share.
	for _, u := range []api.FreeResourceUsage{
		{MeasureID: 10, Amount: math.Inf(1), OriginalAmount: 10}, {MeasureID: 10, Amount: 1, OriginalAmount: math.NaN()},
		{MeasureID: 10, Amount: -math.MaxFloat64, OriginalAmount: math.MaxFloat64}, {MeasureID: 10, Amount: 0, OriginalAmount: 2e12},
	} {
		if tr, err := TrafficOf(u); err == nil || !strings.Contains(err.Error(), "not a traffic figure") {
			t.Errorf("%+v: %+v %v", u, tr, err)
		}
	}
	var odd api.FreeResourceUsage
	if err := json.Unmarshal([]byte(`{"amount":"Infinity","original_amount":10,"measure_id":10}`), &odd); err != nil {
		t.Fatal(err)
	}
	if _, err := TrafficOf(odd); err == nil || !strings.Contains(err.Error(), `BSS gave figures that are not numbers: amount: "Infinity" is not a finite number`) {
		t.Error(err)
	}
	if tr, _ := TrafficOf(api.FreeResourceUsage{MeasureID: 10, OriginalAmount: 1}); !tr.ResetsAt.IsZero() {
		t.Error("resets_at without end_time")
	}
	for pct, want := range map[float64]string{0: "[..........]", 27.5: "[###.......]", 100: "[##########]", 140: "[##########]", -3: "[..........]"} {
		if got := Bar(pct, 10); got != want {
			t.Errorf("bar %v = %s", pct, got)
		}
	}
}

// The command-line parsers never panic, and what they accept is in range.
func FuzzParseFlags(f *testing.F) {
	for _, s := range []string{"7d", "36h", "90m", "1825d", "0d", "-1d", "d", "pending-payment", "6", "Renewal", "9999999999999999999d", "1e9h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, p := ParseSince(s); p == nil && (d <= 0 || d > 1825*24*time.Hour) {
			t.Errorf("ParseSince(%q) = %v", s, d)
		}
		if n, p := ParseOrderStatus(s); p == nil && (n < 1 || n > 9) {
			t.Errorf("ParseOrderStatus(%q) = %d", s, n)
		}
		if n, p := ParseOrderType(s); p == nil && (n < 1 || n > 15) {
			t.Errorf("ParseOrderType(%q) = %d", s, n)
		}
		ParseOnOff(s)
	})
}
