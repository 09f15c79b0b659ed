package api

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Amount is a sum of money in millionths of the currency's main unit
// (dollars, yuan): exact for every figure BSS gives, so that sums over
// several answers carry no floating-point residue. It reads a JSON number
// or a numeric string (BSS's rating calls use both, NETWORK-AND-PRICES.md
// §14-§15) and writes a JSON number.
type Amount int64

// amountScale is the number of Amount units in one currency unit.
const amountScale = 1_000_000

// maxAmount bounds what is read: far above any real price, far below
// int64's end, so sums of many cannot overflow.
const maxAmount = 1e12

// ParseAmount reads a decimal amount: "4.2", "-1", "32.20", "1e3".
// Digits past the sixth decimal are rounded.
func ParseAmount(s string) (Amount, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty amount")
	}
	if !strings.ContainsAny(s, "eE") {
		neg := strings.HasPrefix(s, "-")
		body := strings.TrimPrefix(s, "-")
		whole, frac, _ := strings.Cut(body, ".")
		if whole == "" && frac == "" || !digits(whole) || !digits(frac) || len(whole) > 13 {
			return 0, fmt.Errorf("%q is not an amount", s)
		}
		w, _ := strconv.ParseInt("0"+whole, 10, 64)
		round := false
		if len(frac) > 6 {
			round = frac[6] >= '5'
			frac = frac[:6]
		}
		f, _ := strconv.ParseInt("0"+frac+strings.Repeat("0", 6-len(frac)), 10, 64)
		v := w*amountScale + f
		if round {
			v++
		}
		if v > maxAmount*amountScale {
			return 0, fmt.Errorf("%q is not a plausible amount", s)
		}
		if neg {
			v = -v
		}
		return Amount(v), nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.Abs(x) > maxAmount {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	return Amount(math.Round(x * amountScale)), nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// UnmarshalJSON accepts 4.2, "4.20" and null or "" (zero).
func (a *Amount) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	s := string(b)
	if s == "null" {
		*a = 0
		return nil
	}
	if len(b) >= 2 && b[0] == '"' {
		uq, err := strconv.Unquote(s)
		if err != nil {
			return fmt.Errorf("%s is not an amount", capText(s))
		}
		if strings.TrimSpace(uq) == "" {
			*a = 0
			return nil
		}
		s = uq
	}
	v, err := ParseAmount(s)
	if err != nil {
		return fmt.Errorf("%s is not an amount", capText(string(b)))
	}
	*a = v
	return nil
}

// MarshalJSON writes the amount as a JSON number with no needless digits:
// 4.2, 42, 0.015.
func (a Amount) MarshalJSON() ([]byte, error) {
	return []byte(a.decimal(0)), nil
}

// String is the amount with at least two decimals: "4.20", "0.015".
func (a Amount) String() string { return a.decimal(2) }

// Float is the amount as a float64 (for comparisons in tests and tables).
func (a Amount) Float() float64 { return float64(a) / amountScale }

// decimal writes a with at least minFrac decimals and no trailing zeros
// beyond them.
func (a Amount) decimal(minFrac int) string {
	v := int64(a)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	frac := fmt.Sprintf("%06d", v%amountScale)
	frac = strings.TrimRight(frac, "0")
	for len(frac) < minFrac {
		frac += "0"
	}
	s := sign + strconv.FormatInt(v/amountScale, 10)
	if frac != "" {
		s += "." + frac
	}
	return s
}
