package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/service"
)

// BSSTimeFormat is how BSS writes and reads times: UTC,
// yyyy-MM-dd'T'HH:mm:ss'Z'.
const BSSTimeFormat = "2006-01-02T15:04:05Z"

// Per-call limits of the BSS APIs (LIFECYCLE.md).
const (
	MaxSubscriptionIDs   = 50  // ListPayPerUseCustomerResources resource_ids
	MaxFreeResourceIDs   = 100 // ListFreeResourceUsages free_resource_ids
	MaxCustomerOrderPage = 100 // ListCustomerOrders limit
)

// ---- renew, unsubscribe: order-placing calls ----

// Renewal period types (RenewalResources period_type).
const (
	RenewMonth = 2
	RenewYear  = 3
)

// RenewRequest is RenewalResources' body (§8). expire_policy is left out:
// BSS discards it and Huawei's FlexusL example omits it.
type RenewRequest struct {
	ResourceIDs []string `json:"resource_ids"`
	PeriodType  int      `json:"period_type"` // RenewMonth or RenewYear
	PeriodNum   int      `json:"period_num"`
	IsAutoPay   int      `json:"is_auto_pay"` // 1: pay from the balance at once
}

// Unsubscribe types (CancelResourcesSubscription unsubscribe_type).
const (
	UnsubscribeResource = 1 // the resource and its renewed periods
	UnsubscribeRenewals = 2 // only the renewed periods not yet started
)

// UnsubscribeRequest is CancelResourcesSubscription's body (§14).
type UnsubscribeRequest struct {
	ResourceIDs           []string `json:"resource_ids"`
	UnsubscribeType       int      `json:"unsubscribe_type"`
	UnsubscribeReasonType int      `json:"unsubscribe_reason_type,omitempty"`
	UnsubscribeReason     string   `json:"unsubscribe_reason,omitempty"`
}

// FailResourceInfo is a resource a renew or unsubscribe call did not take.
type FailResourceInfo struct {
	ErrorCode  string `json:"error_code"`
	ErrorMsg   string `json:"error_msg"`
	ResourceID string `json:"resource_id"`
}

// Error renders the failure as "CODE: message".
func (f FailResourceInfo) Error() string {
	switch {
	case f.ErrorCode == "":
		return f.ErrorMsg
	case f.ErrorMsg == "":
		return f.ErrorCode
	}
	return f.ErrorCode + ": " + f.ErrorMsg
}

// OrdersResult is the answer of RenewalResources and
// CancelResourcesSubscription: the orders placed, and the resources that
// were not taken (a call can succeed for some and fail for others).
type OrdersResult struct {
	OrderIDs          []string           `json:"order_ids"`
	FailResourceInfos []FailResourceInfo `json:"fail_resource_infos"`
}

// PrepareRenew builds a RenewalResources request as it will be sent (for
// --dry-run and for sending). requestID is the Client-Request-Id.
func (c *Client) PrepareRenew(requestID string, r RenewRequest) (*Prepared, error) {
	return c.prepareBSS("renew instances", service.Renew, service.Renew.PathOf(), requestID, r)
}

// PrepareUnsubscribe builds a CancelResourcesSubscription request.
func (c *Client) PrepareUnsubscribe(requestID string, r UnsubscribeRequest) (*Prepared, error) {
	return c.prepareBSS("unsubscribe instances", service.Unsubscribe, service.Unsubscribe.PathOf(), requestID, r)
}

func (c *Client) prepareBSS(name string, call service.Op, path, requestID string, body any) (*Prepared, error) {
	op := &Op{Name: name, Call: call, Path: path, Scope: auth.ScopeDomain, RequestID: requestID}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		op.Body = b
	}
	return c.Prepare(op)
}

// RenewalResources sends a prepared renewal, at most once.
func (c *Client) RenewalResources(ctx context.Context, p *Prepared) (*OrdersResult, error) {
	return c.placeOrders(ctx, p)
}

// CancelResourcesSubscription sends a prepared unsubscription, at most once.
func (c *Client) CancelResourcesSubscription(ctx context.Context, p *Prepared) (*OrdersResult, error) {
	return c.placeOrders(ctx, p)
}

// placeOrders sends an order-placing call under AtMostOnce. An answer that
// names neither an order nor a failed resource is an unknown outcome: the
// call was taken, but what it did is not known.
func (c *Client) placeOrders(ctx context.Context, p *Prepared) (*OrdersResult, error) {
	resp, err := c.DoPrepared(ctx, p, AtMostOnce)
	if err != nil {
		return nil, err
	}
	var res OrdersResult
	if err := DecodeJSON(resp.Body, &res); err != nil || (len(res.OrderIDs) == 0 && len(res.FailResourceInfos) == 0) {
		return nil, &UnknownOutcomeError{Op: p.op.Name, RequestID: p.op.RequestID,
			Cause: fmt.Errorf("HTTP %d with an answer that names no order: %.200q", resp.Status, resp.Body)}
	}
	if err := checkOrdersAnswer(p.Body, &res); err != nil {
		// The call was taken, but the answer is about something else (or
		// names an order no command can safely follow): what it did is
		// not known.
		return nil, &UnknownOutcomeError{Op: p.op.Name, RequestID: p.op.RequestID, Cause: fmt.Errorf("HTTP %d: %w", resp.Status, err)}
	}
	return &res, nil
}

// checkOrdersAnswer makes sure a renew or unsubscribe answer is about the
// request (body: its resource_ids): every order ID is an ID (ValidID: it
// goes into paths, prompts and printed commands) and every resource in
// fail_resource_infos is one that was asked about.
func checkOrdersAnswer(body []byte, res *OrdersResult) error {
	var req struct {
		ResourceIDs []string `json:"resource_ids"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return fmt.Errorf("the request's resource_ids could not be read back: %w", err)
	}
	asked := map[string]bool{}
	for _, id := range req.ResourceIDs {
		asked[id] = true
	}
	for _, oid := range res.OrderIDs {
		if !ValidID(oid) {
			return fmt.Errorf("the answer names an order ID that is not an ID (1-64 letters, digits, '-' or '_'; %d bytes, not shown)", len(oid))
		}
	}
	seen := map[string]bool{}
	for _, fi := range res.FailResourceInfos {
		switch {
		case !asked[fi.ResourceID]:
			return fmt.Errorf("the answer's fail_resource_infos names a resource that was not in the request (%d in the request)", len(req.ResourceIDs))
		case seen[fi.ResourceID]:
			return fmt.Errorf("the answer's fail_resource_infos names resource %s twice", fi.ResourceID)
		}
		seen[fi.ResourceID] = true
	}
	return nil
}

// ---- auto-renew, pay, cancel: calls without an answer body ----

// AutoRenewRequest is AutoRenewalResources' body (§13); both fields are
// optional. AutoRenewTimes 0 means unlimited.
type AutoRenewRequest struct {
	AutoRenewTimes *int   `json:"auto_renew_times,omitempty"`
	PeriodType     string `json:"period_type,omitempty"` // MONTH or YEAR; BSS defaults to the last order's
}

// PrepareAutoRenew builds AutoRenewalResources (on: POST with r as the
// body) or CancelAutoRenewalResources (off: DELETE, no body) for one
// resource.
func (c *Client) PrepareAutoRenew(requestID, resourceID string, on bool, r AutoRenewRequest) (*Prepared, error) {
	if resourceID == "" || len(resourceID) > 64 {
		return nil, fmt.Errorf("auto-renew: invalid resource ID %q", resourceID)
	}
	if on {
		return c.prepareBSS("turn auto-renew on for "+resourceID, service.AutoRenewOn, service.AutoRenewOn.PathOf(resourceID), requestID, r)
	}
	return c.prepareBSS("turn auto-renew off for "+resourceID, service.AutoRenewOff, service.AutoRenewOff.PathOf(resourceID), requestID, nil)
}

// PayOrderRequest is PayOrders' body (§9). flexusl uses neither coupons
// nor discounts.
type PayOrderRequest struct {
	OrderID     string `json:"order_id"`
	UseCoupon   string `json:"use_coupon"`
	UseDiscount string `json:"use_discount"`
}

// PreparePayOrder builds PayOrders for an order, without coupons or
// discounts (paid from the account: monthly settlement, else balance).
func (c *Client) PreparePayOrder(requestID, orderID string) (*Prepared, error) {
	if err := checkOrderID(orderID); err != nil {
		return nil, err
	}
	return c.prepareBSS("pay order "+orderID, service.PayOrder, service.PayOrder.PathOf(), requestID,
		PayOrderRequest{OrderID: orderID, UseCoupon: "NO", UseDiscount: "NO"})
}

// CancelOrderRequest is CancelCustomerOrder's body (§10).
type CancelOrderRequest struct {
	OrderID string `json:"order_id"`
}

// PrepareCancelOrder builds CancelCustomerOrder for an unpaid order.
func (c *Client) PrepareCancelOrder(requestID, orderID string) (*Prepared, error) {
	if err := checkOrderID(orderID); err != nil {
		return nil, err
	}
	return c.prepareBSS("cancel order "+orderID, service.CancelOrder, service.CancelOrder.PathOf(), requestID, CancelOrderRequest{OrderID: orderID})
}

func checkOrderID(id string) error {
	if !ValidID(id) {
		return fmt.Errorf("invalid order ID %.80q: %s", id, IDRule)
	}
	return nil
}

// Send sends a prepared auto-renew, pay or cancel call at most once. These
// answer with no content (any 2xx is success).
func (c *Client) Send(ctx context.Context, p *Prepared) error {
	_, err := c.DoPrepared(ctx, p, AtMostOnce)
	return err
}

// ---- ListPayPerUseCustomerResources: expiry and renewal policy ----

// Subscription statuses (ListPayPerUseCustomerResources status).
const (
	SubscriptionInUse   = 2
	SubscriptionClosed  = 3
	SubscriptionFrozen  = 4
	SubscriptionExpired = 5
)

// Expire policies (what happens at expiry).
const (
	ExpireGracePeriod    = 0
	ExpireToPayPerUse    = 1
	ExpireDelete         = 2
	ExpireAutoRenew      = 3
	ExpireFreeze         = 4
	ExpireDeleteRetained = 5
)

// Subscription is one yearly/monthly resource as BSS records it
// (ListPayPerUseCustomerResources data[], the SDK's OrderInstanceV2).
type Subscription struct {
	ID                string  `json:"id"`
	ResourceID        string  `json:"resource_id"`
	ResourceName      string  `json:"resource_name"`
	RegionCode        string  `json:"region_code"`
	ServiceTypeCode   string  `json:"service_type_code"`
	ResourceTypeCode  string  `json:"resource_type_code"`
	ResourceTypeName  string  `json:"resource_type_name"`
	ServiceTypeName   string  `json:"service_type_name"`
	ResourceSpecCode  string  `json:"resource_spec_code"`
	ProjectID         string  `json:"project_id"`
	ProductID         string  `json:"product_id"`
	ParentResourceID  string  `json:"parent_resource_id"`
	IsMainResource    int     `json:"is_main_resource"`
	Status            int     `json:"status"`
	EffectiveTime     string  `json:"effective_time"`
	ExpireTime        string  `json:"expire_time"`
	ExpirePolicy      int     `json:"expire_policy"`
	ProductSpecDesc   string  `json:"product_spec_desc"`
	SpecSize          float64 `json:"spec_size"`
	SpecSizeMeasureID int     `json:"spec_size_measure_id"`
	UpdateTime        string  `json:"update_time"`
}

// Expires is the expiry time; ok is false when BSS gave none that parses.
func (s Subscription) Expires() (t time.Time, ok bool) { return ParseBSSTime(s.ExpireTime) }

// Effective is when the subscription began; ok is false when unknown.
func (s Subscription) Effective() (t time.Time, ok bool) { return ParseBSSTime(s.EffectiveTime) }

// AutoRenew reports whether the resource renews itself at expiry
// (expire_policy 3).
func (s Subscription) AutoRenew() bool { return s.ExpirePolicy == ExpireAutoRenew }

// StatusText names the subscription's status.
func (s Subscription) StatusText() string {
	switch s.Status {
	case SubscriptionInUse:
		return "in use"
	case SubscriptionClosed:
		return "closed"
	case SubscriptionFrozen:
		return "frozen"
	case SubscriptionExpired:
		return "expired"
	}
	return "status " + strconv.Itoa(s.Status)
}

// ExpirePolicyText names what happens at expiry.
func (s Subscription) ExpirePolicyText() string {
	switch s.ExpirePolicy {
	case ExpireGracePeriod:
		return "grace period"
	case ExpireToPayPerUse:
		return "switch to pay-per-use"
	case ExpireDelete:
		return "delete"
	case ExpireAutoRenew:
		return "auto-renew"
	case ExpireFreeze:
		return "freeze"
	case ExpireDeleteRetained:
		return "delete from retention"
	}
	return "policy " + strconv.Itoa(s.ExpirePolicy)
}

// ParseBSSTime reads a BSS time (UTC, RFC 3339 without fraction; a
// fraction or an offset is accepted too).
func ParseBSSTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// SubscriptionsQuery is ListPayPerUseCustomerResources' body (§12), as
// flexusl sends it: always by resource ID, main resources only.
type SubscriptionsQuery struct {
	ResourceIDs      []string `json:"resource_ids"`
	OnlyMainResource int      `json:"only_main_resource"`
	Offset           int      `json:"offset"`
	Limit            int      `json:"limit"`
}

type subscriptionsPage struct {
	TotalCount int            `json:"total_count"`
	Data       []Subscription `json:"data"`
}

// ListPayPerUseCustomerResources reads the subscriptions (expiry, renewal
// policy, status) of FlexusL instances by their instance IDs: main
// resources only, up to 50 IDs a call, every page. BSS returns only
// provisioned resources: an ID it does not know is simply absent. It never
// sends an empty ID list (BSS would answer with the whole account).
func (c *Client) ListPayPerUseCustomerResources(ctx context.Context, resourceIDs []string) ([]Subscription, error) {
	ids := dedupe(resourceIDs)
	if len(ids) == 0 {
		return nil, errors.New("list subscriptions: no resource IDs given")
	}
	var out []Subscription
	for start := 0; start < len(ids); start += MaxSubscriptionIDs {
		chunk := ids[start:min(start+MaxSubscriptionIDs, len(ids))]
		pages := newPager(BSS, "list subscriptions", MaxBSSPages)
		for offset := 0; ; {
			if err := pages.next(strconv.Itoa(offset)); err != nil {
				return nil, err
			}
			q := SubscriptionsQuery{ResourceIDs: chunk, OnlyMainResource: 1, Offset: offset, Limit: MaxSubscriptionIDs}
			body, err := json.Marshal(q)
			if err != nil {
				return nil, err
			}
			op := &Op{Name: "list subscriptions", Call: service.ListSubscriptions, Path: service.ListSubscriptions.PathOf(), Body: body, Scope: auth.ScopeDomain}
			var page subscriptionsPage
			if err := c.doPage(ctx, op, &page, "data", MaxSubscriptionIDs); err != nil {
				return nil, err
			}
			out = append(out, page.Data...)
			offset += len(page.Data)
			if len(page.Data) == 0 || offset >= page.TotalCount {
				break
			}
		}
	}
	return out, nil
}

// SubscriptionsByID indexes subscriptions by resource ID (the first row
// for an ID wins).
func SubscriptionsByID(subs []Subscription) map[string]Subscription {
	m := make(map[string]Subscription, len(subs))
	for _, s := range subs {
		if _, ok := m[s.ResourceID]; !ok {
			m[s.ResourceID] = s
		}
	}
	return m
}

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// ---- ListCustomerOrders: the account's orders ----

// ListOrdersOptions filter ListCustomerOrders. Zero values do not filter.
type ListOrdersOptions struct {
	OrderID         string
	CreatedFrom     time.Time // create_time_begin
	CreatedTo       time.Time // create_time_end
	Status          int       // 1, 3, 4, 5, 6, 9
	OrderType       int       // 1 new, 2 renewal, 3 change, 4 unsubscribe, ...
	ServiceTypeCode string
	PageSize        int // limit per call, 1-100 (default 100)
}

type customerOrdersPage struct {
	TotalCount int         `json:"total_count"`
	OrderInfos []OrderInfo `json:"order_infos"`
}

// ListCustomerOrders reads the account's orders, newest first, every page
// (offset-based).
func (c *Client) ListCustomerOrders(ctx context.Context, o ListOrdersOptions) ([]OrderInfo, error) {
	size := o.PageSize
	if size <= 0 || size > MaxCustomerOrderPage {
		size = MaxCustomerOrderPage
	}
	q := url.Values{}
	if o.OrderID != "" {
		q.Set("order_id", o.OrderID)
	}
	if !o.CreatedFrom.IsZero() {
		q.Set("create_time_begin", o.CreatedFrom.UTC().Format(BSSTimeFormat))
	}
	if !o.CreatedTo.IsZero() {
		q.Set("create_time_end", o.CreatedTo.UTC().Format(BSSTimeFormat))
	}
	if o.Status != 0 {
		q.Set("status", strconv.Itoa(o.Status))
	}
	if o.OrderType != 0 {
		q.Set("order_type", strconv.Itoa(o.OrderType))
	}
	if o.ServiceTypeCode != "" {
		q.Set("service_type_code", o.ServiceTypeCode)
	}
	q.Set("order_by", "-createTime")
	q.Set("limit", strconv.Itoa(size))
	var out []OrderInfo
	seen := map[string]bool{}
	pages := newPager(BSS, "list orders", MaxBSSPages)
	for offset := 0; ; {
		if err := pages.next(strconv.Itoa(offset)); err != nil {
			return nil, err
		}
		q.Set("offset", strconv.Itoa(offset))
		op := &Op{Name: "list orders", Call: service.ListOrders, Path: service.ListOrders.PathOf(), Query: cloneValues(q), Scope: auth.ScopeDomain}
		var page customerOrdersPage
		if err := c.doPage(ctx, op, &page, "order_infos", size); err != nil {
			return nil, err
		}
		for _, oi := range page.OrderInfos {
			// Orders placed while paging shift later pages: an order may
			// come twice.
			if !seen[oi.OrderID] {
				seen[oi.OrderID] = true
				out = append(out, oi)
			}
		}
		offset += len(page.OrderInfos)
		if len(page.OrderInfos) == 0 || offset >= page.TotalCount {
			return out, nil
		}
	}
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// ---- ListFreeResourceUsages: the data package ----

// Free resource measure units (measure_id). Only GB comes from Huawei's own
// scripts; no Huawei document lists them.
const MeasureGB = 10

// FreeResourceUsage is one traffic package's current cycle
// (ListFreeResourceUsages free_resources[]).
type FreeResourceUsage struct {
	FreeResourceID       string  `json:"free_resource_id"`
	FreeResourceTypeName string  `json:"free_resource_type_name"`
	UsageTypeName        string  `json:"usage_type_name"`
	QuotaReuseCycle      int     `json:"quota_reuse_cycle"`      // 1 hour, 2 day, 3 week, 4 month, 5 year
	QuotaReuseCycleType  int     `json:"quota_reuse_cycle_type"` // 1 calendar, 2 subscription date
	StartTime            string  `json:"start_time"`
	EndTime              string  `json:"end_time"`
	Amount               float64 `json:"amount"`          // remaining in this cycle
	OriginalAmount       float64 `json:"original_amount"` // the cycle's total
	MeasureID            int     `json:"measure_id"`
	unreadable           error   // a figure that could not be read (lenient.go)
}

// FreeResourceQuery is ListFreeResourceUsages' body (§15).
type FreeResourceQuery struct {
	FreeResourceIDs []string `json:"free_resource_ids"`
}

type freeResourcesAnswer struct {
	FreeResources []FreeResourceUsage `json:"free_resources"`
}

// ListFreeResourceUsages reads traffic packages by their IDs (the RMS
// huaweicloudinternal_cbc_freeresource entries), up to 100 a call, with
// names in English.
func (c *Client) ListFreeResourceUsages(ctx context.Context, freeResourceIDs []string) ([]FreeResourceUsage, error) {
	ids := dedupe(freeResourceIDs)
	if len(ids) == 0 {
		return nil, errors.New("list traffic packages: no package IDs given")
	}
	var out []FreeResourceUsage
	for start := 0; start < len(ids); start += MaxFreeResourceIDs {
		body, err := json.Marshal(FreeResourceQuery{FreeResourceIDs: ids[start:min(start+MaxFreeResourceIDs, len(ids))]})
		if err != nil {
			return nil, err
		}
		op := &Op{Name: "list traffic packages", Call: service.ListTraffic, Path: service.ListTraffic.PathOf(), Body: body,
			Scope: auth.ScopeDomain, Header: http.Header{"X-Language": {"en_US"}}}
		var a freeResourcesAnswer
		if err := c.doPage(ctx, op, &a, "free_resources", 10*MaxFreeResourceIDs); err != nil { // a package may have a row per usage type
			return nil, err
		}
		out = append(out, a.FreeResources...)
	}
	return out, nil
}
