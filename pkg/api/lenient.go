package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// BSS writes its figures as numbers, but the SDK reads its amounts as
// decimal.Decimal, which takes a number or a string ("12.50"): an answer
// with string figures is one the SDK reads, so flexusl reads it too. The
// record types below keep their plain Go field types; their UnmarshalJSON
// turns a numeric string in a numeric field into the number first.

// Numeric fields of each BSS record, by JSON key.
var (
	subscriptionNumbers = []string{"is_main_resource", "status", "expire_policy", "spec_size", "spec_size_measure_id"}
	freeResourceNumbers = []string{"quota_reuse_cycle", "quota_reuse_cycle_type", "amount", "original_amount", "measure_id"}
	orderInfoNumbers    = []string{"source_type", "status", "order_type", "amount_after_discount", "official_amount", "measure_id"}
	lineItemNumbers     = []string{"period_type", "period_num", "subscription_num", "amount_after_discount", "official_amount"}
	orderDetailsNumbers = []string{"total_count"} // and of every page
)

// UnmarshalJSON reads a subscription whose figures may be numeric strings.
func (s *Subscription) UnmarshalJSON(b []byte) error {
	type plain Subscription
	return decodeNumbers(b, (*plain)(s), subscriptionNumbers)
}

// UnmarshalJSON reads a traffic package whose figures may be numeric
// strings. A figure that is not a finite number (NaN, an infinity, beyond
// a float64) does not fail the whole answer: it is left zero and the
// package says so (Unreadable), so that one package costs only its row.
func (u *FreeResourceUsage) UnmarshalJSON(b []byte) error {
	type plain FreeResourceUsage
	figs, err := decodeFigures(b, (*plain)(u), freeResourceNumbers)
	if err != nil {
		return err
	}
	u.unreadable = figs
	return nil
}

// Unreadable is why a figure of the package could not be read (nil when
// every one could).
func (u FreeResourceUsage) Unreadable() error { return u.unreadable }

// UnmarshalJSON reads an order whose figures may be numeric strings.
func (o *OrderInfo) UnmarshalJSON(b []byte) error {
	type plain OrderInfo
	return decodeNumbers(b, (*plain)(o), orderInfoNumbers)
}

// UnmarshalJSON reads an order line whose figures may be numeric strings.
func (l *OrderLineItem) UnmarshalJSON(b []byte) error {
	type plain OrderLineItem
	return decodeNumbers(b, (*plain)(l), lineItemNumbers)
}

// UnmarshalJSON reads order details whose total_count may be a numeric
// string.
func (d *OrderDetails) UnmarshalJSON(b []byte) error {
	type plain OrderDetails
	return decodeNumbers(b, (*plain)(d), orderDetailsNumbers)
}

// UnmarshalJSON reads a subscriptions page whose total_count may be a
// numeric string.
func (p *subscriptionsPage) UnmarshalJSON(b []byte) error {
	type plain subscriptionsPage
	return decodeNumbers(b, (*plain)(p), orderDetailsNumbers)
}

// UnmarshalJSON reads an orders page whose total_count may be a numeric
// string.
func (p *customerOrdersPage) UnmarshalJSON(b []byte) error {
	type plain customerOrdersPage
	return decodeNumbers(b, (*plain)(p), orderDetailsNumbers)
}

// decodeNumbers decodes the JSON object b into out after turning each of
// keys whose value is a string into the number it spells ("" and null are
// zero). A figure that is not a finite number is an error naming the key.
// Anything but an object is left to encoding/json's own error.
func decodeNumbers(b []byte, out any, keys []string) error {
	figs, err := decodeFigures(b, out, keys)
	if err != nil {
		return err
	}
	return figs
}

// decodeFigures is decodeNumbers that decodes the rest of the object when
// figures are bad: those are left zero and returned as figs.
func decodeFigures(b []byte, out any, keys []string) (figs, err error) {
	t := bytes.TrimSpace(b)
	if len(t) == 0 || t[0] != '{' {
		return nil, json.Unmarshal(b, out)
	}
	// Most answers carry their figures as numbers: decoded as they are,
	// once. Only an answer encoding/json refuses (a figure sent as a
	// string, or one it cannot hold) takes the slow path below, from a
	// zero value, so the result is the slow path's in every case.
	if json.Unmarshal(t, out) == nil {
		return nil, nil
	}
	if v := reflect.ValueOf(out); v.Kind() == reflect.Pointer && !v.IsNil() {
		v.Elem().SetZero()
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(t, &m); err != nil {
		return nil, err
	}
	var bad []error
	for _, k := range keys {
		v, ok := m[k]
		if !ok {
			continue
		}
		v = bytes.TrimSpace(v)
		if len(v) == 0 || !(v[0] == '"' || v[0] == '-' || v[0] >= '0' && v[0] <= '9') {
			continue // null, or a type encoding/json names
		}
		n, err := numberText(v)
		if err != nil {
			bad = append(bad, fmt.Errorf("%s: %w", k, err))
			n = json.RawMessage("null")
		}
		m[k] = n
	}
	fixed, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return errors.Join(bad...), json.Unmarshal(fixed, out)
}

// numberText is the JSON number a JSON string (or number) spells:
// "12.50" -> 12.50, "" -> null. NaN, infinities and numbers too large for
// a float64 are refused.
func numberText(v json.RawMessage) (json.RawMessage, error) {
	s := string(v)
	if v[0] == '"' {
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, err
		}
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return json.RawMessage("null"), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%q is not a finite number", capText(s))
	}
	if json.Valid([]byte(s)) && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') {
		return json.RawMessage(s), nil // as written: "4" stays a whole number
	}
	return json.RawMessage(strconv.FormatFloat(f, 'f', -1, 64)), nil
}
