package specscmd

import (
	"strings"
	"testing"
)

// Every rule of --price, --period and --period-type, checked offline.
func TestCheckPriceFlags(t *testing.T) {
	tests := []struct {
		name    string
		opts    ListOptions
		changed []string
		region  string
		want    []string // one per problem, in order; none when empty
	}{
		{"no price", ListOptions{PeriodType: "month", Period: 1}, nil, "", nil},
		{"period without price", ListOptions{PeriodType: "month", Period: 2}, []string{"period"}, "", []string{`--period "2": applies with --price only`}},
		{"both without price", ListOptions{PeriodType: "year", Period: 2}, []string{"period", "period-type"}, "r",
			[]string{`--period "2": applies with --price only`, `--period-type "year": applies with --price only`}},
		{"price", ListOptions{Price: true, PeriodType: "month", Period: 9}, nil, "r", nil},
		{"price, a year", ListOptions{Price: true, PeriodType: "year", Period: 3}, nil, "r", nil},
		{"no region", ListOptions{Price: true, PeriodType: "month", Period: 1}, nil, "", []string{"--region: is required with --price"}},
		{"10 months", ListOptions{Price: true, PeriodType: "month", Period: 10}, nil, "r", []string{`--period "10": must be 1 to 9 when --period-type is month`}},
		{"0 months", ListOptions{Price: true, PeriodType: "month", Period: 0}, nil, "r", []string{`--period "0": must be 1 to 9`}},
		{"4 years", ListOptions{Price: true, PeriodType: "year", Period: 4}, nil, "r", []string{`--period "4": must be 1 to 3 when --period-type is year`}},
		{"week", ListOptions{Price: true, PeriodType: "week", Period: 1}, nil, "r", []string{`--period-type "week": is not a subscription period; allowed: month, year`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			o.changed = func(name string) bool {
				for _, c := range tt.changed {
					if c == name {
						return true
					}
				}
				return false
			}
			ps := checkPriceFlags(&o, tt.region)
			if len(ps) != len(tt.want) {
				t.Fatalf("%v, want %q", ps, tt.want)
			}
			for i, w := range tt.want {
				if !strings.Contains(ps[i].Error(), w) {
					t.Errorf("%q, want %q", ps[i].Error(), w)
				}
			}
		})
	}
}
