package journal

import "strings"

// Kinds of attempt. What flexusl knows about each is its row in Kinds.
const (
	KindPurchase    = "purchase"
	KindRenew       = "renew"
	KindPay         = "pay"
	KindCancelOrder = "cancel_order"
	KindUnsubscribe = "unsubscribe"
	KindAutoRenew   = "auto_renew"
	KindECSAction   = "ecs_action"
	KindFirewall    = "firewall" // a security group rule created or deleted
)

// KindInfo is what flexusl knows about one kind of attempt: whether it
// places an order, acts on one, what it is called, and how a user finds
// out what an attempt whose outcome is unknown did. Every list or switch
// over the kinds reads Kinds, so a new state-changing verb adds one row.
type KindInfo struct {
	Kind string
	// OrderType is the BSS order type an accepted attempt places (1 new
	// purchase, 2 renewal, 4 unsubscription); 0 when it places none.
	OrderType int
	// OnOrder: the attempt acts on an order placed before (pay, cancel);
	// the order IDs it holds are that order's, not ones it placed.
	OnOrder bool
	// Noun names one attempt in warnings: "an earlier renewal's outcome is
	// unknown".
	Noun string
	// Check says how to find out what an attempt whose outcome is unknown
	// did: {when} is when the attempt was made, {orders} the orders it
	// acted on, {resources} the instances or rules (CheckText fills them).
	Check string
	// Recheck is what the warning about earlier unknown attempts tells the
	// user to look at before doing the same again.
	Recheck string
}

// Orders reports whether attempts of the kind place or act on orders:
// what `order list` shows and `order list --remote` matches.
func (k KindInfo) Orders() bool { return k.OrderType != 0 || k.OnOrder }

const (
	orderCheck   = "`flexusl order list --remote --since 1d` lists the account's orders (an unknown attempt is shown with the orders created right after it), or look in the console's order list (Billing Center > Orders) for one created at {when}"
	onOrderCheck = "`flexusl order show {orders}` shows its status (6 is still pending payment), or look it up in the console's order list (Billing Center > Orders); the request was sent at {when}"
	orderRecheck = "Check `flexusl order list --remote` (it shows what each may have placed) before doing the same again."
)

// Kinds is every kind of attempt, one row each.
var Kinds = []KindInfo{
	{Kind: KindPurchase, OrderType: 1, Noun: "purchase", Check: orderCheck, Recheck: orderRecheck},
	{Kind: KindRenew, OrderType: 2, Noun: "renewal", Check: orderCheck, Recheck: orderRecheck},
	{Kind: KindUnsubscribe, OrderType: 4, Noun: "unsubscription", Check: orderCheck, Recheck: orderRecheck},
	{Kind: KindPay, OnOrder: true, Noun: "payment", Check: onOrderCheck, Recheck: orderRecheck},
	{Kind: KindCancelOrder, OnOrder: true, Noun: "cancellation", Check: onOrderCheck, Recheck: orderRecheck},
	{Kind: KindAutoRenew, Noun: "auto-renew change",
		Check:   "`flexusl instance show` gives each instance's AUTO RENEW, or look in the console's renewal list (Billing Center > Renewals) for a change made at {when}",
		Recheck: "Check AUTO RENEW with `flexusl instance show` before doing the same again."},
	{Kind: KindECSAction, Noun: "server operation",
		Check:   "`flexusl instance show` gives each server's status (a password reset: log in with the new password after a restart), or look in the console's server list (changes made at {when})",
		Recheck: "Check the servers with `flexusl instance show` before doing the same again."},
	{Kind: KindFirewall, Noun: "firewall change",
		Check:   "`flexusl firewall list INSTANCE` (or `flexusl firewall list --region REGION`) shows the security group's rules: look for the rule (a create) or its absence (a delete), or in the console (Access Control > Security Groups) for a change made at {when}",
		Recheck: "Check the rules with `flexusl firewall list` before doing the same again."},
}

// CheckText is Check with its placeholders filled: when (RFC 3339), the
// orders and the resources the attempt acted on.
func (k KindInfo) CheckText(when string, orders, resources []string) string {
	return strings.NewReplacer("{when}", when, "{orders}", strings.Join(orders, " "), "{resources}", strings.Join(resources, " ")).Replace(k.Check)
}

// KindOf is the row of kind; an unknown kind (a newer flexusl's) is
// treated as one that places an order, the most careful reading: its
// unknown outcomes are checked in the account's orders.
func KindOf(kind string) KindInfo {
	for _, k := range Kinds {
		if k.Kind == kind {
			return k
		}
	}
	return KindInfo{Kind: kind, Noun: kind, Check: orderCheck, Recheck: orderRecheck}
}
