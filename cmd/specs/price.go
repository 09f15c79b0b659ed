package specscmd

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/catalog"
	"github.com/flexusl/flexusl/pkg/price"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/purchase"
	"github.com/flexusl/flexusl/pkg/ui"
)

// PricedSpec is a spec with its price (`specs list --price`).
type PricedSpec struct {
	catalog.Spec
	Price      *price.Quote `json:"price"` // null when BSS gave none
	PriceError string       `json:"price_error"`
}

// checkPriceFlags checks --price, --period and --period-type offline:
// the period flags only with --price, the purchase's limits (1-9 months,
// 1-3 years), and a region to price in.
func checkPriceFlags(opts *ListOptions, region string) problem.Problems {
	changed := func(name string) bool { return opts.changed != nil && opts.changed(name) }
	var ps problem.Problems
	if !opts.Price {
		for fl, v := range map[string]string{"period": strconv.Itoa(opts.Period), "period-type": opts.PeriodType} {
			if changed(fl) {
				ps = append(ps, problem.Problem{Field: "--" + fl, Value: v, Reason: "applies with --price only"})
			}
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].Field < ps[j].Field })
		return ps
	}
	if region == "" {
		ps = append(ps, problem.Problem{Field: "--region", Reason: "is required with --price (prices are per region): pass --region or set the profile's region"})
	}
	switch opts.PeriodType {
	case purchase.PeriodMonth, purchase.PeriodYear:
		limit := purchase.MaxMonths
		if opts.PeriodType == purchase.PeriodYear {
			limit = purchase.MaxYears
		}
		if opts.Period < 1 || opts.Period > limit {
			ps = append(ps, problem.Problem{Field: "--period", Value: strconv.Itoa(opts.Period), Reason: fmt.Sprintf("must be 1 to %d when --period-type is %s", limit, opts.PeriodType)})
		}
	default:
		ps = append(ps, problem.Problem{Field: "--period-type", Value: opts.PeriodType, Reason: "is not a subscription period", Allowed: []string{purchase.PeriodMonth, purchase.PeriodYear}})
	}
	return ps
}

// listPrices asks BSS for the price of every spec listed, in as few calls
// as the API allows, and prints them. A spec BSS has no product for is
// listed without a price; any other failure of the inquiry is the
// command's (exit 3 for a 403, with the permission named).
func listPrices(ctx context.Context, f *cmdutil.Factory, opts *ListOptions, region string, specs []catalog.Spec) error {
	client, _, err := f.PriceClient(false)
	if err != nil {
		return err
	}
	f.CatchInterrupts() // a network command from here on: Ctrl-C stops it cleanly
	codes := make([]string, len(specs))
	for i, s := range specs {
		codes[i] = s.Code
	}
	var progress *ui.Progress
	if f.IO.IsStderrTTY() {
		progress = f.IO.StartProgress("asking BSS for the prices...")
	}
	sp, err := price.Specs(ctx, client, region, codes, opts.PeriodType, opts.Period)
	if progress != nil {
		progress.Stop()
	}
	if err != nil {
		return err // its advice names the permission on a 403
	}
	out := make([]PricedSpec, len(specs))
	for i, s := range specs {
		out[i] = PricedSpec{Spec: s}
		if q, ok := sp.Quotes[s.Code]; ok {
			out[i].Price = &q
		} else {
			out[i].PriceError = sp.NotFound[s.Code]
		}
	}
	unit := opts.PeriodType
	if opts.Period != 1 {
		unit += "s"
	}
	f.IO.Infof("Prices of one instance in %s for %d %s, from BSS (%d call(s)).", region, opts.Period, unit, sp.Calls)
	if n := len(sp.NotFound); n > 0 {
		first := price.SortedCodes(sp.NotFound)[0]
		f.IO.Warnf("BSS gave no price for %d spec(s), e.g. %s: %s", n, first, sp.NotFound[first])
	}
	return f.Print(out, func() ([]string, [][]string) {
		rows := make([][]string, len(out))
		for i, p := range out {
			s := p.Spec
			pr, list, disc := "not available", "-", "-"
			if q := p.Price; q != nil {
				pr = q.Amount.String() + " " + q.Currency
				list = q.OfficialAmount.String() + " " + q.Currency
				if q.DiscountAmount > 0 {
					disc = q.DiscountAmount.String() + " " + q.Currency
				}
			}
			rows[i] = []string{s.Code, s.OS, strconv.Itoa(s.VCPUs), catalog.FormatGiB(s.MemoryGiB), strconv.Itoa(s.SystemDiskGiB), strconv.Itoa(s.PeakBandwidthMbitS),
				strconv.Itoa(s.DataPackageGB), pr, list, disc}
		}
		return []string{"CODE", "OS", "VCPUS", "MEMORY (GiB)", "SYSTEM DISK (GiB)", "BANDWIDTH (Mbit/s)", "DATA PACKAGE (GB)", "PRICE", "LIST PRICE", "DISCOUNT"}, rows
	})
}
