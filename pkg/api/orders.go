package api

import (
	"context"
	"strconv"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/service"
)

// Order statuses (BSS order_info.status).
const (
	StatusPendingReview       = 1
	StatusPendingRefund       = 2
	StatusProcessing          = 3
	StatusCancelled           = 4
	StatusCompleted           = 5
	StatusPendingPayment      = 6
	StatusPendingConfirmation = 9
)

// StatusText names a status; others are shown by number.
func StatusText(s int) string {
	switch s {
	case StatusPendingReview:
		return "pending review"
	case StatusPendingRefund:
		return "pending refund"
	case StatusProcessing:
		return "processing"
	case StatusCancelled:
		return "cancelled"
	case StatusCompleted:
		return "completed"
	case StatusPendingPayment:
		return "pending payment"
	case StatusPendingConfirmation:
		return "pending confirmation"
	}
	return "status " + strconv.Itoa(s)
}

// OrderTypeText names an order type (BSS order_info.order_type).
func OrderTypeText(t int) string {
	switch t {
	case 1:
		return "new purchase"
	case 2:
		return "renewal"
	case 3:
		return "change"
	case 4:
		return "unsubscription"
	case 11:
		return "pay-per-use to yearly/monthly"
	case 13:
		return "trial"
	case 14:
		return "trial to commercial"
	case 15:
		return "price adjustment"
	}
	return strconv.Itoa(t)
}

// OrderInfo is order_info of the order details answer.
type OrderInfo struct {
	OrderID               string  `json:"order_id"`
	CustomerID            string  `json:"customer_id,omitempty"`
	ServiceTypeCode       string  `json:"service_type_code,omitempty"`
	ServiceTypeName       string  `json:"service_type_name,omitempty"`
	SourceType            int     `json:"source_type,omitempty"`
	Status                int     `json:"status"`
	OrderType             int     `json:"order_type"`
	AmountAfterDiscount   float64 `json:"amount_after_discount"`
	OfficialAmount        float64 `json:"official_amount"`
	MeasureID             int     `json:"measure_id,omitempty"`
	CreateTime            string  `json:"create_time"`
	PaymentTime           string  `json:"payment_time,omitempty"` // absent while unpaid
	Currency              string  `json:"currency"`
	ContractID            string  `json:"contract_id,omitempty"`
	UserName              string  `json:"user_name,omitempty"`
	PendingPaymentEndTime string  `json:"pending_payment_end_time,omitempty"`
}

// OrderLineItem is one entry of order_line_items (the SDK's
// OrderLineItemEntityV2): what the order bought, renewed or released, and
// the subscription window it covers once effective.
type OrderLineItem struct {
	OrderLineItemID     string  `json:"order_line_item_id"`
	ServiceTypeCode     string  `json:"service_type_code,omitempty"`
	ServiceTypeName     string  `json:"service_type_name,omitempty"`
	ProductID           string  `json:"product_id,omitempty"`
	ProductSpecDesc     string  `json:"product_spec_desc,omitempty"`
	PeriodType          int     `json:"period_type,omitempty"`
	PeriodNum           int     `json:"period_num,omitempty"` // null on unsubscription orders
	EffectiveTime       string  `json:"effective_time,omitempty"`
	ExpireTime          string  `json:"expire_time,omitempty"`
	SubscriptionNum     int     `json:"subscription_num,omitempty"`
	AmountAfterDiscount float64 `json:"amount_after_discount,omitempty"`
	OfficialAmount      float64 `json:"official_amount,omitempty"`
	Currency            string  `json:"currency,omitempty"`
}

// OrderDetails is the BSS answer for one order.
type OrderDetails struct {
	TotalCount     int             `json:"total_count"`
	OrderInfo      OrderInfo       `json:"order_info"`
	OrderLineItems []OrderLineItem `json:"order_line_items"`
}

// ShowOrder reads an order from BSS. It retries on 429, 5xx and network
// errors (bounded); 401/403 are *Error with exit code 3.
func (c *Client) ShowOrder(ctx context.Context, orderID string) (*OrderDetails, error) {
	if !ValidID(orderID) { // it may come from a server or the journal: ".." would change the path
		return nil, exitcode.Errorf(exitcode.Usage, "show order: %.80q is not an order ID (%s): nothing was sent", orderID, IDRule)
	}
	var d OrderDetails
	op := &Op{Name: "show order " + orderID, Call: service.ShowOrder, Path: service.ShowOrder.PathOf(orderID), Scope: auth.ScopeDomain}
	if _, err := c.DoJSON(ctx, op, Idempotent, &d); err != nil {
		return nil, err
	}
	if d.OrderInfo.OrderID == "" {
		d.OrderInfo.OrderID = orderID
	}
	return &d, nil
}
