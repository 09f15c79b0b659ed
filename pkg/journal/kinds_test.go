package journal

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// TestKindsTable: every Kind constant declared in kinds.go has exactly one
// row in Kinds, and every row says what a user needs (a noun, how to check
// an unknown outcome, at when).
func TestKindsTable(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "kinds.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	ast.Inspect(file, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || len(vs.Values) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Kind") {
			return true
		}
		if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
			v, _ := strconv.Unquote(lit.Value)
			declared = append(declared, v)
		}
		return true
	})
	if len(declared) < 8 {
		t.Fatalf("found %d Kind constants in kinds.go: %q", len(declared), declared)
	}
	rows := map[string]int{}
	for _, k := range Kinds {
		rows[k.Kind]++
		if k.Noun == "" || !strings.Contains(k.Check, "{when}") || k.Recheck == "" {
			t.Errorf("%s: incomplete row %+v", k.Kind, k)
		}
		if k.OrderType != 0 && k.OnOrder {
			t.Errorf("%s: places an order and acts on one", k.Kind)
		}
	}
	for _, d := range declared {
		if rows[d] != 1 {
			t.Errorf("kind %q has %d rows in Kinds, want 1", d, rows[d])
		}
	}
	if len(Kinds) != len(declared) {
		t.Errorf("%d rows for %d declared kinds", len(Kinds), len(declared))
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		kind      string
		orderType int
		onOrder   bool
		orders    bool
		noun      string
		check     string
	}{
		{KindPurchase, 1, false, true, "purchase", "order list --remote"},
		{KindRenew, 2, false, true, "renewal", "order list --remote"},
		{KindUnsubscribe, 4, false, true, "unsubscription", "order list --remote"},
		{KindPay, 0, true, true, "payment", "order show {orders}"},
		{KindCancelOrder, 0, true, true, "cancellation", "order show {orders}"},
		{KindAutoRenew, 0, false, false, "auto-renew change", "instance show"},
		{KindECSAction, 0, false, false, "server operation", "instance show"},
		{KindFirewall, 0, false, false, "firewall change", "firewall list"},
		// A newer flexusl's kind: checked in the account's orders, the
		// careful reading, but not listed as an order.
		{"resize", 0, false, false, "resize", "order list --remote"},
	}
	for _, tt := range tests {
		k := KindOf(tt.kind)
		if k.OrderType != tt.orderType || k.OnOrder != tt.onOrder || k.Orders() != tt.orders || k.Noun != tt.noun || !strings.Contains(k.Check, tt.check) {
			t.Errorf("KindOf(%q) = %+v", tt.kind, k)
		}
	}
}

func TestCheckText(t *testing.T) {
	got := KindOf(KindPay).CheckText("2026-12-04T10:00:00Z", []string{"CS123"}, []string{"i-1"})
	if !strings.Contains(got, "`flexusl order show CS123`") || strings.Contains(got, "{") {
		t.Errorf("pay: %s", got)
	}
	got = KindOf(KindRenew).CheckText("2026-12-04T10:00:00Z", nil, []string{"i-1"})
	if !strings.Contains(got, "created at 2026-12-04T10:00:00Z") || strings.Contains(got, "{") {
		t.Errorf("renew: %s", got)
	}
	for _, k := range Kinds {
		if s := k.CheckText("T", []string{"O"}, []string{"R"}); strings.ContainsAny(s, "{}%") {
			t.Errorf("%s: placeholder left in %q", k.Kind, s)
		}
	}
}
