// Package suggest finds close matches for a mistyped value, for "did you
// mean ...?" hints.
package suggest

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Closest returns up to three candidates close to input, best first: those at
// the smallest edit distance (case-insensitive, within a third of the input's
// length, at least 2; swapping two neighbouring letters counts as one edit,
// so "lsit" is nearer "list" than "wait"), and among those the ones whose
// numbers are one step away when there are such, so
// that "hf.large.3.30m.linux" suggests hf.large.2 and hf.large.4 rather than
// every code one character away.
func Closest(input string, candidates []string) []string {
	if input == "" || len(candidates) == 0 {
		return nil
	}
	in := strings.ToLower(input)
	limit := max(2, len([]rune(in))/3)
	best := limit + 1
	var near []string
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := distance(in, lc)
		if n := commonPrefix(in, lc); n >= 3 && n >= len(in)-1 {
			d = min(d, 1) // "app", "apps" for application: a start of a long name is close
		}
		if len(in) >= 4 && strings.HasSuffix(lc, in) {
			d = min(d, 1) // "name" for image_name: the end of a long name too
		}
		if d > limit {
			continue
		}
		switch {
		case d < best:
			best, near = d, []string{c}
		case d == best:
			near = append(near, c)
		}
	}
	if len(near) > 1 {
		inNums := numbers(in)
		type scored struct {
			c string
			d float64
		}
		var ss []scored
		for _, c := range near {
			if d, ok := numberDistance(inNums, numbers(strings.ToLower(c))); ok {
				ss = append(ss, scored{c, d})
			}
		}
		minD := -1.0
		for _, s := range ss {
			if minD < 0 || s.d < minD {
				minD = s.d
			}
		}
		// Prefer numeric neighbours only when some are really near (one step).
		if len(ss) == len(near) && minD <= 1 {
			near = near[:0]
			for _, s := range ss {
				if s.d == minD {
					near = append(near, s.c)
				}
			}
		}
	}
	if len(near) > 3 {
		near = near[:3]
	}
	return slices.Clip(near)
}

// numbers extracts the digit runs of s as numbers; a run with a leading zero
// reads as a fraction (hf.large.025 -> 0.25, hf.large.05 -> 0.5), as the codes mean.
func numbers(s string) []float64 {
	var out []float64
	f := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsDigit(r) })
	for _, run := range f {
		v, _ := strconv.ParseFloat(run, 64)
		if len(run) > 1 && run[0] == '0' {
			v, _ = strconv.ParseFloat("0."+run[1:], 64)
		}
		out = append(out, v)
	}
	return out
}

func numberDistance(a, b []float64) (float64, bool) {
	if len(a) != len(b) || len(a) == 0 {
		return 0, false
	}
	var d float64
	for i := range a {
		x := a[i] - b[i]
		if x < 0 {
			x = -x
		}
		d += x
	}
	return d, true
}

// distance is the optimal string alignment distance: insertions, deletions,
// substitutions and transpositions of neighbouring runes each cost one.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// d[i][j] is the distance between ra[:i] and rb[:j]; three rows suffice.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
