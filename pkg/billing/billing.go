// Package billing holds the rules of the money calls after a purchase,
// checked offline before anything is sent: renewal periods and counts,
// splitting instance IDs into calls, the expiry a renewal leads to,
// auto-renew limits, the filters of the order list, and the figures of a
// data package. It knows nothing of HTTP or of commands.
package billing

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/suggest"
)

// Period types, as the flags spell them.
const (
	PeriodMonth = "month"
	PeriodYear  = "year"
)

// Limits (LIFECYCLE.md §8, §13, §14).
const (
	MaxRenewMonths   = 11 // period_num for months: 1-11
	MaxRenewYears    = 3  // period_num for years: 1-3
	MaxIDsPerCall    = 10 // resource_ids of one renew or unsubscribe call
	MaxAutoRenewTime = 99 // auto_renew_times: 0 (unlimited) to 99
)

// Renewal is a validated renewal: what RenewalResources needs besides the
// IDs.
type Renewal struct {
	PeriodType string // PeriodMonth or PeriodYear
	Periods    int
	AutoPay    bool
}

// Request is the API body for ids.
func (r Renewal) Request(ids []string) api.RenewRequest {
	pt := api.RenewMonth
	if r.PeriodType == PeriodYear {
		pt = api.RenewYear
	}
	auto := 0
	if r.AutoPay {
		auto = 1
	}
	return api.RenewRequest{ResourceIDs: ids, PeriodType: pt, PeriodNum: r.Periods, IsAutoPay: auto}
}

// Describe is the renewal in words: "2 months", "1 year".
func (r Renewal) Describe() string {
	unit := r.PeriodType
	if r.Periods != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", r.Periods, unit)
}

// ValidateRenewal checks the period type and number: month 1-11, year 1-3.
// Field names are the flags.
func ValidateRenewal(periodType string, periods int) problem.Problems {
	var ps problem.Problems
	if periods == 0 && (periodType == PeriodMonth || periodType == PeriodYear) {
		return problem.Problems{{Field: "--period", Reason: fmt.Sprintf("is required: 1-%d months or 1-%d years", MaxRenewMonths, MaxRenewYears)}}
	}
	switch periodType {
	case PeriodMonth:
		if periods < 1 || periods > MaxRenewMonths {
			ps = append(ps, problem.Problem{Field: "--period", Value: strconv.Itoa(periods), Reason: fmt.Sprintf("must be 1 to %d when --period-type is month", MaxRenewMonths)})
		}
	case PeriodYear:
		if periods < 1 || periods > MaxRenewYears {
			ps = append(ps, problem.Problem{Field: "--period", Value: strconv.Itoa(periods), Reason: fmt.Sprintf("must be 1 to %d when --period-type is year", MaxRenewYears)})
		}
	case "":
		ps = append(ps, problem.Problem{Field: "--period-type", Reason: "is required", Allowed: []string{PeriodMonth, PeriodYear}})
	default:
		ps = append(ps, problem.Problem{Field: "--period-type", Value: periodType, Reason: "is not a renewal period type", Allowed: []string{PeriodMonth, PeriodYear}})
	}
	return ps
}

// ValidateTargets checks the instances named on the command line: at least
// one, none twice.
func ValidateTargets(args []string) problem.Problems {
	if len(args) == 0 {
		return problem.Problems{{Field: "ID|NAME", Reason: "is required: name at least one instance"}}
	}
	var ps problem.Problems
	seen := map[string]bool{}
	for _, a := range args {
		switch {
		case strings.TrimSpace(a) == "":
			ps = append(ps, problem.Problem{Field: "ID|NAME", Value: a, Reason: "is empty"})
		case seen[a]:
			ps = append(ps, problem.Problem{Field: "ID|NAME", Value: a, Reason: "is given more than once"})
		}
		seen[a] = true
	}
	return ps
}

// Split cuts ids into calls of at most n IDs, in order.
func Split(ids []string, n int) [][]string {
	if n <= 0 {
		n = 1
	}
	var out [][]string
	for start := 0; start < len(ids); start += n {
		out = append(out, ids[start:min(start+n, len(ids))])
	}
	return out
}

// ExpiryAfter is when a subscription that expires at expiry will expire
// after a renewal of n periods. A month added to a day the target month
// lacks lands on that month's last day (31 January + 1 month = 28 or 29
// February), keeping the time of day. It is an estimate for the
// confirmation: BSS decides.
func ExpiryAfter(expiry time.Time, periodType string, n int) time.Time {
	months := n
	if periodType == PeriodYear {
		months = 12 * n
	}
	y, m, d := expiry.Date()
	first := time.Date(y, m+time.Month(months), 1, expiry.Hour(), expiry.Minute(), expiry.Second(), expiry.Nanosecond(), expiry.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// ValidateAutoRenewTimes checks --times: 0 (unlimited) to 99.
func ValidateAutoRenewTimes(times int) problem.Problems {
	if times < 0 || times > MaxAutoRenewTime {
		return problem.Problems{{Field: "--times", Value: strconv.Itoa(times), Reason: fmt.Sprintf("must be 0 (unlimited) to %d", MaxAutoRenewTime)}}
	}
	return nil
}

// ParseOnOff reads the auto-renew switch.
func ParseOnOff(s string) (bool, *problem.Problem) {
	switch strings.ToLower(s) {
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	return false, &problem.Problem{Field: "on|off", Value: s, Reason: "must be on or off", Allowed: []string{"on", "off"}}
}

// Named codes of the order list's filters.
var (
	orderStatuses = map[string]int{"pending-review": 1, "pending-refund": 2, "processing": 3, "cancelled": 4, "completed": 5, "pending-payment": 6, "pending-confirmation": 9}
	orderTypes    = map[string]int{"new": 1, "renewal": 2, "change": 3, "unsubscribe": 4, "to-prepaid": 11, "trial": 13, "commercial": 14, "price-adjustment": 15}
)

// ParseOrderStatus reads --status: a name (pending-payment) or its BSS
// number (6).
func ParseOrderStatus(s string) (int, *problem.Problem) {
	return parseCode("--status", s, orderStatuses)
}

// ParseOrderType reads --type: a name (renewal) or its BSS number (2).
func ParseOrderType(s string) (int, *problem.Problem) {
	return parseCode("--type", s, orderTypes)
}

func parseCode(field, s string, names map[string]int) (int, *problem.Problem) {
	key := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "-"))
	key = strings.ReplaceAll(key, " ", "-")
	if n, ok := names[key]; ok {
		return n, nil
	}
	if n, err := strconv.Atoi(key); err == nil {
		for _, v := range names {
			if v == n {
				return n, nil
			}
		}
	}
	allowed := make([]string, 0, len(names))
	for k, v := range names {
		allowed = append(allowed, fmt.Sprintf("%s (%d)", k, v))
	}
	sort.Slice(allowed, func(i, j int) bool {
		return names[strings.Fields(allowed[i])[0]] < names[strings.Fields(allowed[j])[0]]
	})
	names2 := make([]string, 0, len(names))
	for k := range names {
		names2 = append(names2, k)
	}
	sort.Strings(names2)
	return 0, &problem.Problem{Field: field, Value: s, Reason: "is not known", Allowed: allowed, Suggestions: suggest.Closest(key, names2)}
}

// ParseSince reads --since: a Go duration (36h, 90m) or a number of days
// (7d), up to 5 years back.
func ParseSince(s string) (time.Duration, *problem.Problem) {
	bad := &problem.Problem{Field: "--since", Value: s, Reason: "must be a duration such as 7d, 36h or 90m (up to 1825d)"}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return 0, bad
		}
		d = time.Duration(n) * 24 * time.Hour
		if n > 1825 {
			return 0, bad
		}
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, bad
		}
	}
	if d <= 0 || d > 1825*24*time.Hour {
		return 0, bad
	}
	return d, nil
}

// Traffic is a data package's current cycle in GB.
type Traffic struct {
	TotalGB     float64
	UsedGB      float64
	RemainingGB float64
	UsedPercent float64   // 0-100, one decimal
	ResetsAt    time.Time // end of the current cycle; zero when not given
}

// MaxTrafficFigure bounds a data package's figures (GB): far above any
// package sold, low enough that no sum or share of them overflows.
const MaxTrafficFigure = 1e12

// TrafficOf reads a package's figures: used = original_amount - amount
// (Huawei's own scripts). Only measure_id 10 (GB) is known; another unit
// is an error rather than a wrong figure.
func TrafficOf(u api.FreeResourceUsage) (Traffic, error) {
	if err := u.Unreadable(); err != nil {
		return Traffic{}, fmt.Errorf("BSS gave figures that are not numbers: %w", err)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"amount", u.Amount}, {"original_amount", u.OriginalAmount}} {
		if math.IsNaN(f.v) || math.Abs(f.v) > MaxTrafficFigure {
			return Traffic{}, fmt.Errorf("BSS gave %s %g: not a traffic figure (at most %g GB)", f.name, f.v, float64(MaxTrafficFigure))
		}
	}
	if u.MeasureID != api.MeasureGB {
		return Traffic{}, fmt.Errorf("unit measure_id %d is not known (only %d = GB); remaining %g of %g", u.MeasureID, api.MeasureGB, u.Amount, u.OriginalAmount)
	}
	t := Traffic{TotalGB: u.OriginalAmount, RemainingGB: u.Amount, UsedGB: max(u.OriginalAmount-u.Amount, 0)}
	if t.TotalGB > 0 {
		t.UsedPercent = math.Round(min(t.UsedGB/t.TotalGB, 1)*1000) / 10
	}
	if end, ok := api.ParseBSSTime(u.EndTime); ok {
		t.ResetsAt = end
	}
	return t, nil
}

// Bar draws the share used as a bar of width cells: "[#####.....]".
func Bar(percent float64, width int) string {
	if width <= 0 {
		return ""
	}
	filled := int(math.Round(min(max(percent, 0), 100) / 100 * float64(width)))
	return "[" + strings.Repeat("#", filled) + strings.Repeat(".", width-filled) + "]"
}
