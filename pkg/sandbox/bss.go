package sandbox

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Paths of BSSINTL (LIFECYCLE.md §8-§15, NOTES.md). "suscriptions" is the
// documented spelling of the resource query.
const (
	pathOrderDetails   = "/v2/orders/customer-orders/details/"
	pathOrders         = "/v2/orders/customer-orders"
	pathPay            = "/v3/orders/customer-orders/pay"
	pathCancel         = "/v2/orders/customer-orders/cancel"
	pathRenew          = "/v2/orders/subscriptions/resources/renew"
	pathUnsubscribe    = "/v2/orders/subscriptions/resources/unsubscribe"
	pathAutoRenew      = "/v2/orders/subscriptions/resources/autorenew/"
	pathQueryResources = "/v2/orders/suscriptions/resources/query"
	pathFreeResources  = "/v2/payments/free-resources/usages/details/query"
)

// FlexusL's BSS codes as seen in console replays (LIFECYCLE.md §16: not
// official).
const (
	serviceTypeHCSS  = "hws.service.type.hcss"
	resourceTypeHCSS = "hws.resource.type.hecsfusion"
	serviceTypeName  = "FlexusL"
)

// Wire types (testdata/wire/bss).
type (
	// orderDetails is ShowCustomerOrderDetails' answer.
	orderDetails struct {
		TotalCount     int             `json:"total_count"`
		OrderInfo      orderInfo       `json:"order_info"`
		OrderLineItems []orderLineItem `json:"order_line_items"`
	}
	orderInfo struct {
		customerOrder
		UserName              string `json:"user_name"`
		PendingPaymentEndTime string `json:"pending_payment_end_time,omitempty"` // only while unpaid
	}
	// customerOrder is one order of ListCustomerOrders (and the common
	// part of order_info).
	customerOrder struct {
		OrderID             string  `json:"order_id"`
		CustomerID          string  `json:"customer_id"`
		ServiceTypeCode     string  `json:"service_type_code"`
		ServiceTypeName     string  `json:"service_type_name"`
		SourceType          int     `json:"source_type"`
		Status              int     `json:"status"`
		OrderType           int     `json:"order_type"`
		AmountAfterDiscount float64 `json:"amount_after_discount"`
		OfficialAmount      float64 `json:"official_amount"`
		MeasureID           int     `json:"measure_id"`
		CreateTime          string  `json:"create_time"`
		PaymentTime         string  `json:"payment_time,omitempty"` // absent while unpaid
		Currency            string  `json:"currency"`
	}
	orderLineItem struct {
		OrderLineItemID     string  `json:"order_line_item_id"`
		ServiceTypeCode     string  `json:"service_type_code"`
		ServiceTypeName     string  `json:"service_type_name"`
		ProductID           string  `json:"product_id"`
		ProductSpecDesc     string  `json:"product_spec_desc"`
		PeriodType          int     `json:"period_type"`
		PeriodNum           *int    `json:"period_num"` // null on unsubscription orders (SDK)
		EffectiveTime       string  `json:"effective_time,omitempty"`
		ExpireTime          string  `json:"expire_time,omitempty"`
		SubscriptionNum     int     `json:"subscription_num"`
		AmountAfterDiscount float64 `json:"amount_after_discount"`
		OfficialAmount      float64 `json:"official_amount"`
		Currency            string  `json:"currency"`
	}
	ordersPage struct {
		TotalCount int             `json:"total_count"`
		OrderInfos []customerOrder `json:"order_infos"`
	}
	orderResult struct {
		OrderIDs          []string         `json:"order_ids"`
		FailResourceInfos []failedResource `json:"fail_resource_infos"`
	}
	failedResource struct {
		ErrorCode  string `json:"error_code"`
		ErrorMsg   string `json:"error_msg"`
		ResourceID string `json:"resource_id"`
	}
	renewRequest struct {
		ResourceIDs  []string `json:"resource_ids"`
		PeriodType   *int     `json:"period_type"`
		PeriodNum    *int     `json:"period_num"`
		IsAutoPay    *int     `json:"is_auto_pay"`
		ExpirePolicy *int     `json:"expire_policy"` // discarded by BSS; accepted and ignored
	}
	unsubscribeRequest struct {
		ResourceIDs           []string `json:"resource_ids"`
		UnsubscribeType       *int     `json:"unsubscribe_type"`
		UnsubscribeReasonType *int     `json:"unsubscribe_reason_type"`
		UnsubscribeReason     *string  `json:"unsubscribe_reason"`
	}
	autoRenewRequest struct {
		AutoRenewTimes *int    `json:"auto_renew_times"`
		PeriodType     *string `json:"period_type"`
	}
	payRequest struct {
		OrderID       *string  `json:"order_id"`
		UseCoupon     *string  `json:"use_coupon"`
		UseDiscount   *string  `json:"use_discount"`
		CouponInfos   []idType `json:"coupon_infos"`
		DiscountInfos []idType `json:"discount_infos"`
	}
	idType struct {
		ID   string `json:"id"`
		Type int    `json:"type"`
	}
	cancelRequest struct {
		OrderID *string `json:"order_id"`
	}
	queryResourcesRequest struct {
		ResourceIDs      []string `json:"resource_ids"`
		OrderID          *string  `json:"order_id"`
		OnlyMainResource *int     `json:"only_main_resource"`
		StatusList       []int    `json:"status_list"`
		ExpireTimeBegin  *string  `json:"expire_time_begin"`
		ExpireTimeEnd    *string  `json:"expire_time_end"`
		ServiceTypeCode  *string  `json:"service_type_code"`
		Offset           *int     `json:"offset"`
		Limit            *int     `json:"limit"`
	}
	resourcesPage struct {
		TotalCount int              `json:"total_count"`
		Data       []subscribedItem `json:"data"`
	}
	subscribedItem struct {
		ID               string `json:"id"`
		ResourceID       string `json:"resource_id"`
		ResourceName     string `json:"resource_name"`
		RegionCode       string `json:"region_code"`
		ServiceTypeCode  string `json:"service_type_code"`
		ResourceTypeCode string `json:"resource_type_code"`
		ResourceSpecCode string `json:"resource_spec_code"`
		ProjectID        string `json:"project_id"`
		ParentResourceID string `json:"parent_resource_id"`
		IsMainResource   int    `json:"is_main_resource"`
		Status           int    `json:"status"`
		EffectiveTime    string `json:"effective_time"`
		ExpireTime       string `json:"expire_time"`
		ExpirePolicy     int    `json:"expire_policy"`
		ProductSpecDesc  string `json:"product_spec_desc"`
	}
	freeResourcesRequest struct {
		FreeResourceIDs []string `json:"free_resource_ids"`
	}
	freeResourcesAnswer struct {
		FreeResources []freeResource `json:"free_resources"`
	}
	freeResource struct {
		FreeResourceID       string  `json:"free_resource_id"`
		FreeResourceTypeName string  `json:"free_resource_type_name"`
		UsageTypeName        string  `json:"usage_type_name"`
		QuotaReuseCycle      int     `json:"quota_reuse_cycle"`
		QuotaReuseCycleType  int     `json:"quota_reuse_cycle_type"`
		StartTime            string  `json:"start_time"`
		EndTime              string  `json:"end_time"`
		Amount               float64 `json:"amount"`
		OriginalAmount       float64 `json:"original_amount"`
		MeasureID            int     `json:"measure_id"`
	}
)

// badParam answers 400 CBC.0100 naming the parameter.
func (c *call) badParam(format string, a ...any) {
	c.fail(http.StatusBadRequest, "CBC.0100", "Invalid parameter: "+fmt.Sprintf(format, a...))
}

func (s *Server) showOrder(c *call) {
	id := c.r.PathValue("order_id")
	s.mu.Lock()
	s.advance(c.now)
	o, ok := s.orders[id]
	var d orderDetails
	if ok {
		d = s.details(o, c.now)
	}
	s.mu.Unlock()
	if !ok {
		c.fail(http.StatusBadRequest, "CBC.0101", fmt.Sprintf("Invalid parameter: order %s does not exist.", id))
		return
	}
	c.json(http.StatusOK, d)
}

// customerOrder renders an order as ListCustomerOrders does; s.mu is held.
func (s *Server) customerOrder(o *order, now time.Time) customerOrder {
	co := customerOrder{
		OrderID: o.ID, CustomerID: s.opts.DomainID, ServiceTypeCode: serviceTypeHCSS, ServiceTypeName: serviceTypeName,
		SourceType: 1, Status: s.orderStatus(o, now), OrderType: o.Type, AmountAfterDiscount: o.Amount, OfficialAmount: o.Amount,
		MeasureID: 1, CreateTime: fmtTime(o.Created, layoutSeconds), Currency: "USD",
	}
	if !o.Paid.IsZero() {
		co.PaymentTime = fmtTime(o.Paid, layoutSeconds)
	}
	return co
}

// details renders an order as ShowCustomerOrderDetails does; s.mu is held.
func (s *Server) details(o *order, now time.Time) orderDetails {
	info := orderInfo{customerOrder: s.customerOrder(o, now), UserName: "sandbox"}
	if o.Paid.IsZero() && !o.Cancelled {
		info.PendingPaymentEndTime = fmtTime(o.Created.Add(15*24*time.Hour), layoutSeconds)
	}
	item := orderLineItem{
		OrderLineItemID: o.ID + "-000001", ServiceTypeCode: serviceTypeHCSS, ServiceTypeName: serviceTypeName,
		PeriodType: o.PeriodType, SubscriptionNum: len(o.Resources),
		AmountAfterDiscount: o.Amount, OfficialAmount: o.Amount, Currency: "USD",
	}
	spec := ""
	switch o.Type {
	case orderNew:
		spec = o.Request.PlanSpec
	default:
		if in := s.instances[first(o.Resources)]; in != nil {
			spec = in.Spec
			if o.Type == orderUnsubscribe {
				item.PeriodType = in.PeriodType
			}
		}
	}
	item.ProductID, item.ProductSpecDesc = "sandbox-"+spec, spec
	if o.Type != orderUnsubscribe {
		n := o.PeriodNum
		item.PeriodNum = &n
	}
	if eff, exp, ok := s.lineWindow(o); ok {
		item.EffectiveTime, item.ExpireTime = fmtTime(eff, layoutSeconds), fmtTime(exp, layoutSeconds)
	}
	return orderDetails{TotalCount: 1, OrderInfo: info, OrderLineItems: []orderLineItem{item}}
}

// lineWindow is the period an order's line item covers, known once the
// order is paid (projected until it completes); s.mu is held.
func (s *Server) lineWindow(o *order) (eff, exp time.Time, ok bool) {
	if o.Paid.IsZero() || o.Cancelled {
		return eff, exp, false
	}
	if o.Applied && !o.Effective.IsZero() {
		return o.Effective, o.Expire, true
	}
	done := o.Paid.Add(s.opts.CompleteAfter)
	switch o.Type {
	case orderNew:
		return done, expiryAfter(done, months(o.PeriodType, o.PeriodNum)), true
	case orderRenewal:
		if in := s.instances[first(o.Resources)]; in != nil {
			return in.Expire, expiryAfter(in.Expire, months(o.PeriodType, o.PeriodNum)), true
		}
	case orderUnsubscribe:
		return done, done, true
	}
	return eff, exp, false
}

func first(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}

// listOrders is ListCustomerOrders: filters, offset paging, newest first
// unless order_by=createTime.
func (s *Server) listOrders(c *call) {
	q := c.r.URL.Query()
	limit, offset := 10, 0
	var err error
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 100 {
			c.badParam("limit %q: must be an integer from 1 to 100", v)
			return
		}
	}
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			c.badParam("offset %q: must be an integer of 0 or more", v)
			return
		}
	}
	status := -1
	if v := q.Get("status"); v != "" {
		if status, err = strconv.Atoi(v); err != nil || !validOrderStatus(status) {
			c.badParam("status %q: must be one of 1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13", v)
			return
		}
	}
	orderType := -1
	if v := q.Get("order_type"); v != "" {
		if orderType, err = strconv.Atoi(v); err != nil || !validOrderType(orderType) {
			c.badParam("order_type %q: must be one of 1, 2, 3, 4, 11, 13, 14, 15", v)
			return
		}
	}
	times := map[string]time.Time{}
	for _, k := range []string{"create_time_begin", "create_time_end", "payment_time_begin", "payment_time_end"} {
		if v := q.Get(k); v != "" {
			t, err := time.Parse(layoutSeconds, v)
			if err != nil {
				c.badParam("%s %q: must be UTC yyyy-MM-ddTHH:mm:ssZ, e.g. 2019-05-06T08:05:01Z", k, v)
				return
			}
			times[k] = t
		}
	}
	desc := true
	switch v := q.Get("order_by"); v {
	case "", "-createTime":
	case "createTime":
		desc = false
	default:
		c.badParam("order_by %q: must be createTime or -createTime", v)
		return
	}
	switch v := q.Get("method"); v {
	case "", "oneself", "sub_customer":
	default:
		c.badParam("method %q: must be oneself or sub_customer", v)
		return
	}
	orderID, svcCode := q.Get("order_id"), q.Get("service_type_code")
	s.mu.Lock()
	s.advance(c.now)
	var all []customerOrder
	for _, id := range s.seq {
		o := s.orders[id]
		co := s.customerOrder(o, c.now)
		if orderID != "" && o.ID != orderID || svcCode != "" && svcCode != co.ServiceTypeCode ||
			status >= 0 && co.Status != status || orderType >= 0 && o.Type != orderType ||
			!inWindow(o.Created, times["create_time_begin"], times["create_time_end"]) {
			continue
		}
		_, pb := times["payment_time_begin"]
		_, pe := times["payment_time_end"]
		if pb || pe {
			if o.Paid.IsZero() || !inWindow(o.Paid, times["payment_time_begin"], times["payment_time_end"]) {
				continue
			}
		}
		all = append(all, co)
	}
	s.mu.Unlock()
	if desc {
		for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
			all[i], all[j] = all[j], all[i]
		}
	}
	page := ordersPage{TotalCount: len(all), OrderInfos: []customerOrder{}}
	if offset < len(all) {
		page.OrderInfos = all[offset:min(offset+limit, len(all))]
	}
	c.json(http.StatusOK, page)
}

func inWindow(t, begin, end time.Time) bool {
	return (begin.IsZero() || !t.Before(begin)) && (end.IsZero() || !t.After(end))
}

func validOrderStatus(n int) bool {
	switch n {
	case 1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13:
		return true
	}
	return false
}

func validOrderType(n int) bool {
	switch n {
	case 1, 2, 3, 4, 11, 13, 14, 15:
		return true
	}
	return false
}

// checkResourceIDs validates resource_ids: 1 to max IDs of at most 64
// characters, no repeats.
func checkResourceIDs(ids []string, max int) string {
	if len(ids) == 0 {
		return "resource_ids is required: 1 to " + strconv.Itoa(max) + " FlexusL instance IDs"
	}
	if len(ids) > max {
		return fmt.Sprintf("resource_ids holds %d IDs: at most %d per request", len(ids), max)
	}
	seen := map[string]bool{}
	for i, id := range ids {
		switch {
		case id == "" || len(id) > 64:
			return fmt.Sprintf("resource_ids[%d] %q: must be 1 to 64 characters", i, id)
		case seen[id]:
			return fmt.Sprintf("resource_ids[%d] %q: repeated", i, id)
		}
		seen[id] = true
	}
	return ""
}

// ownerOf finds the visible instance whose attached resource (server, EIP,
// data package, disk, vault, HSS) has ID id; s.mu is held.
func (s *Server) ownerOf(id string, now time.Time) *instance {
	for _, in := range s.instSeq {
		if !in.visible(now) {
			continue
		}
		if in.Server.ID == id || in.EIPID == id || in.TrafficID == id || contains(in.ExtraIDs, id) {
			return in
		}
	}
	return nil
}

// checkSubscription tells why a resource cannot be renewed or unsubscribed
// now ("" if it can); notFound is the code for an unknown ID; s.mu is held.
func (s *Server) checkSubscription(id, notFound string, now time.Time) (code, msg string) {
	in := s.instances[id]
	if in == nil || !in.visible(now) {
		if owner := s.ownerOf(id, now); owner != nil {
			return "CBC.30010036", fmt.Sprintf("The resource %s is not a primary resource: use its FlexusL instance %s.", id, owner.ID)
		}
		if notFound == "CBC.99003016" {
			return notFound, fmt.Sprintf("The resource %s does not exist or has been deleted after it expired.", id)
		}
		return notFound, fmt.Sprintf("The resource ID %s is not found.", id)
	}
	if o := s.unpaidOrderOf(id, now); o != nil {
		return "CBC.99003100", fmt.Sprintf("The resource %s is in the unpaid order %s: pay or cancel it first.", id, o.ID)
	}
	if o := s.openOrderOf(id, now, orderUnsubscribe); o != nil {
		return "CBC.99003651", fmt.Sprintf("The resource %s has a transaction in progress (order %s).", id, o.ID)
	}
	return "", ""
}

// renew is RenewalResources: one renewal order (order_type 2) for the IDs
// that can be renewed, paid at once with is_auto_pay 1, else waiting for
// payment (6); the others are in fail_resource_infos.
func (s *Server) renew(c *call) {
	var req renewRequest
	if err := decodeStrict(c.body, &req); err != nil {
		c.badParam("%v", err)
		return
	}
	if msg := checkResourceIDs(req.ResourceIDs, 10); msg != "" {
		c.badParam("%s", msg)
		return
	}
	switch {
	case req.PeriodType == nil:
		c.badParam("period_type is required: 2 (month) or 3 (year)")
		return
	case *req.PeriodType != periodMonth && *req.PeriodType != periodYear:
		c.badParam("period_type %d: must be 2 (month) or 3 (year)", *req.PeriodType)
		return
	case req.PeriodNum == nil:
		c.badParam("period_num is required")
		return
	case *req.PeriodType == periodMonth && (*req.PeriodNum < 1 || *req.PeriodNum > 11):
		c.badParam("period_num %d: must be 1 to 11 months", *req.PeriodNum)
		return
	case *req.PeriodType == periodYear && (*req.PeriodNum < 1 || *req.PeriodNum > 3):
		c.badParam("period_num %d: must be 1 to 3 years", *req.PeriodNum)
		return
	case req.IsAutoPay != nil && *req.IsAutoPay != 0 && *req.IsAutoPay != 1:
		c.badParam("is_auto_pay %d: must be 0 or 1", *req.IsAutoPay)
		return
	}
	res := orderResult{OrderIDs: []string{}, FailResourceInfos: []failedResource{}}
	s.mu.Lock()
	s.advance(c.now)
	var ok []string
	monthly := 0.0
	for _, id := range req.ResourceIDs {
		if code, msg := s.checkSubscription(id, "CBC.99003016", c.now); code != "" {
			res.FailResourceInfos = append(res.FailResourceInfos, failedResource{code, msg, id})
			continue
		}
		if o := s.openOrderOf(id, c.now, orderRenewal); o != nil {
			res.FailResourceInfos = append(res.FailResourceInfos, failedResource{"CBC.99003144", fmt.Sprintf("The resource %s has an order in progress (%s).", id, o.ID), id})
			continue
		}
		in := s.instances[id]
		monthly += s.monthly(in.Spec, in.Extras)
		ok = append(ok, id)
	}
	if len(ok) > 0 {
		o := &order{Type: orderRenewal, Resources: ok, PeriodType: *req.PeriodType, PeriodNum: *req.PeriodNum, Created: c.now,
			Amount: price(monthly, *req.PeriodType, *req.PeriodNum, 1)}
		if req.IsAutoPay != nil && *req.IsAutoPay == 1 {
			o.Paid = c.now
		}
		s.addOrder(o)
		res.OrderIDs = append(res.OrderIDs, o.ID)
	}
	s.mu.Unlock()
	c.json(http.StatusOK, res)
}

// unsubscribe is CancelResourcesSubscription: one unsubscription order
// (order_type 4, no payment needed); when it completes the instances and
// everything bundled leave RMS and ECS (type 1) or lose their renewed
// periods not yet started (type 2).
func (s *Server) unsubscribe(c *call) {
	var req unsubscribeRequest
	if err := decodeStrict(c.body, &req); err != nil {
		c.badParam("%v", err)
		return
	}
	if msg := checkResourceIDs(req.ResourceIDs, 10); msg != "" {
		c.badParam("%s", msg)
		return
	}
	switch {
	case req.UnsubscribeType == nil:
		c.badParam("unsubscribe_type is required: 1 (the resource and its renewed periods) or 2 (only the renewed periods)")
		return
	case *req.UnsubscribeType != 1 && *req.UnsubscribeType != 2:
		c.badParam("unsubscribe_type %d: must be 1 or 2", *req.UnsubscribeType)
		return
	case req.UnsubscribeReasonType != nil && (*req.UnsubscribeReasonType < 1 || *req.UnsubscribeReasonType > 5):
		c.badParam("unsubscribe_reason_type %d: must be 1 to 5", *req.UnsubscribeReasonType)
		return
	case req.UnsubscribeReason != nil && len([]rune(*req.UnsubscribeReason)) > 255:
		c.badParam("unsubscribe_reason: at most 255 characters")
		return
	}
	res := orderResult{OrderIDs: []string{}, FailResourceInfos: []failedResource{}}
	s.mu.Lock()
	s.advance(c.now)
	var ok []string
	for _, id := range req.ResourceIDs {
		if code, msg := s.checkSubscription(id, "CBC.99003012", c.now); code != "" {
			res.FailResourceInfos = append(res.FailResourceInfos, failedResource{code, msg, id})
			continue
		}
		if *req.UnsubscribeType == 2 && !hasRenewalToCancel(s.instances[id], c.now) {
			res.FailResourceInfos = append(res.FailResourceInfos, failedResource{"CBC.99003128", fmt.Sprintf("The resource %s has no renewed period to unsubscribe from.", id), id})
			continue
		}
		ok = append(ok, id)
	}
	if len(ok) > 0 {
		o := &order{Type: orderUnsubscribe, Resources: ok, UnsubscribeType: *req.UnsubscribeType, Created: c.now, Paid: c.now}
		s.addOrder(o)
		res.OrderIDs = append(res.OrderIDs, o.ID)
	}
	s.mu.Unlock()
	c.json(http.StatusOK, res)
}

// autoRenewOn is AutoRenewalResources: expire_policy 3 from now on.
func (s *Server) autoRenewOn(c *call) {
	var req autoRenewRequest
	if len(strings.TrimSpace(string(c.body))) > 0 {
		if err := decodeStrict(c.body, &req); err != nil {
			c.badParam("%v", err)
			return
		}
	}
	switch {
	case req.AutoRenewTimes != nil && (*req.AutoRenewTimes < 0 || *req.AutoRenewTimes > 99):
		c.badParam("auto_renew_times %d: must be 0 (unlimited) to 99", *req.AutoRenewTimes)
		return
	case req.PeriodType != nil && *req.PeriodType != "MONTH" && *req.PeriodType != "YEAR":
		c.badParam("period_type %q: must be MONTH or YEAR", *req.PeriodType)
		return
	}
	s.mu.Lock()
	s.advance(c.now)
	in, code, msg := s.autoRenewTarget(c)
	if in != nil {
		in.AutoRenew, in.Updated = true, c.now
		if req.AutoRenewTimes != nil {
			in.AutoRenewTimes = *req.AutoRenewTimes
		}
	}
	s.mu.Unlock()
	if in == nil {
		c.fail(http.StatusBadRequest, code, msg)
		return
	}
	c.noContent()
}

// autoRenewOff is CancelAutoRenewalResources: CBC.99003605 when already off.
func (s *Server) autoRenewOff(c *call) {
	s.mu.Lock()
	s.advance(c.now)
	in, code, msg := s.autoRenewTarget(c)
	if in != nil && !in.AutoRenew {
		in, code, msg = nil, "CBC.99003605", fmt.Sprintf("Auto-renewal of the resource %s has already been cancelled.", c.r.PathValue("resource_id"))
	}
	if in != nil {
		in.AutoRenew, in.AutoRenewTimes, in.Updated = false, 0, c.now
	}
	s.mu.Unlock()
	if in == nil {
		c.fail(http.StatusBadRequest, code, msg)
		return
	}
	c.noContent()
}

// autoRenewTarget finds the instance of the path's resource_id; s.mu is held.
func (s *Server) autoRenewTarget(c *call) (*instance, string, string) {
	id := c.r.PathValue("resource_id")
	if len(id) > 64 {
		return nil, "CBC.0100", "Invalid parameter: resource_id: at most 64 characters"
	}
	in := s.instances[id]
	if in == nil || !in.visible(c.now) {
		if owner := s.ownerOf(id, c.now); owner != nil {
			return nil, "CBC.30010036", fmt.Sprintf("The resource %s is not a primary resource: use its FlexusL instance %s.", id, owner.ID)
		}
		return nil, "CBC.99003012", fmt.Sprintf("The resource ID %s is not found.", id)
	}
	return in, "", ""
}

// Attached resources as BSS lists them (LIFECYCLE.md §16 gives the server's
// and the data package's codes from console replays; the others are guesses).
var attachedCodes = map[string][2]string{
	"server":  {"hws.service.type.ec2", "hws.resource.type.vm"},
	"eip":     {"hws.service.type.vpc", "hws.resource.type.ip"},
	"traffic": {"hws.service.type.vpc", "hws.resource.type.bandwidth"},
	"evs":     {"hws.service.type.ebs", "hws.resource.type.volume"},
	"cbr":     {"hws.service.type.cbr", "hws.resource.type.cbr.vault"},
	"hss":     {"hws.service.type.hss", "hws.resource.type.hss.hostprotection"},
}

// subscribedItems lists an instance's subscription rows: the package, then
// (unless mainOnly) its attached resources; s.mu is held.
func (s *Server) subscribedItems(in *instance, now time.Time, mainOnly bool) []subscribedItem {
	status := 2
	if in.Deleted {
		status = 3
	}
	policy := 0
	if in.AutoRenew {
		policy = 3
	}
	spec, _ := s.opts.Catalog.Spec(in.Spec)
	row := subscribedItem{ID: in.ID, ResourceID: in.ID, ResourceName: in.Name, RegionCode: in.Region, ServiceTypeCode: serviceTypeHCSS,
		ResourceTypeCode: resourceTypeHCSS, ResourceSpecCode: in.Spec, ProjectID: in.ProjectID, IsMainResource: 1, Status: status,
		EffectiveTime: fmtTime(in.Effective, layoutSeconds), ExpireTime: fmtTime(in.Expire, layoutSeconds), ExpirePolicy: policy,
		ProductSpecDesc: fmt.Sprintf("FlexusL %s | %d vCPUs | %s GiB", in.Spec, spec.VCPUs, formatGiB(spec.MemoryGiB))}
	out := []subscribedItem{row}
	if mainOnly {
		return out
	}
	add := func(kind, id, name, specCode string) {
		r := row
		r.ID, r.ResourceID, r.ResourceName, r.ResourceSpecCode = id, id, name, specCode
		r.ServiceTypeCode, r.ResourceTypeCode = attachedCodes[kind][0], attachedCodes[kind][1]
		r.ParentResourceID, r.IsMainResource = in.ID, 0
		r.ProductSpecDesc = kind
		out = append(out, r)
	}
	add("server", in.Server.ID, in.Server.Name, in.Spec)
	add("eip", in.EIPID, in.Name+"-eip", "5_bgp")
	add("traffic", in.TrafficID, in.Name+"-traffic", fmt.Sprintf("12_bgp_%.0fG", in.TrafficTotal))
	for i, e := range in.Extras {
		add(e.Type, in.ExtraIDs[i], in.Name+"-"+e.Type, e.Type)
	}
	return out
}

func formatGiB(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}

// queryResources is the subscription query (§12): provisioned instances
// (status 2; 3 once unsubscribed) with effective and expiry times and the
// renewal policy.
func (s *Server) queryResources(c *call) {
	var req queryResourcesRequest
	if err := decodeStrict(c.body, &req); err != nil {
		c.badParam("%v", err)
		return
	}
	limit, offset := 10, 0
	switch {
	case len(req.ResourceIDs) > 50:
		c.badParam("resource_ids holds %d IDs: at most 50", len(req.ResourceIDs))
		return
	case req.OrderID != nil && (len(*req.OrderID) > 64 || *req.OrderID == ""):
		c.badParam("order_id: 1 to 64 characters")
		return
	case req.OnlyMainResource != nil && *req.OnlyMainResource != 0 && *req.OnlyMainResource != 1:
		c.badParam("only_main_resource %d: must be 0 or 1", *req.OnlyMainResource)
		return
	case req.ServiceTypeCode != nil && *req.ServiceTypeCode == "":
		c.badParam("service_type_code must not be empty")
		return
	case req.Limit != nil && (*req.Limit < 1 || *req.Limit > 500):
		c.badParam("limit %d: must be 1 to 500", *req.Limit)
		return
	case req.Offset != nil && *req.Offset < 0:
		c.badParam("offset %d: must be 0 or more", *req.Offset)
		return
	}
	for i, st := range req.StatusList {
		if st < 2 || st > 5 {
			c.badParam("status_list[%d] %d: must be 2 (in use), 3 (closed), 4 (frozen) or 5 (expired)", i, st)
			return
		}
	}
	var begin, end time.Time
	for _, p := range []struct {
		name string
		v    *string
		t    *time.Time
	}{{"expire_time_begin", req.ExpireTimeBegin, &begin}, {"expire_time_end", req.ExpireTimeEnd, &end}} {
		if p.v != nil {
			t, err := time.Parse(layoutSeconds, *p.v)
			if err != nil {
				c.badParam("%s %q: must be UTC yyyy-MM-ddTHH:mm:ssZ", p.name, *p.v)
				return
			}
			*p.t = t
		}
	}
	if req.Limit != nil {
		limit = *req.Limit
	}
	if req.Offset != nil {
		offset = *req.Offset
	}
	mainOnly := req.OnlyMainResource != nil && *req.OnlyMainResource == 1
	want := map[string]bool{}
	for _, id := range req.ResourceIDs {
		want[id] = true
	}
	s.mu.Lock()
	s.advance(c.now)
	var rows []subscribedItem
	for _, in := range s.instSeq {
		if now := c.now; now.Before(in.VisibleAt) {
			continue // only provisioned resources are listed
		}
		if req.OrderID != nil && in.OrderID != *req.OrderID && !s.orderHolds(*req.OrderID, in.ID) {
			continue
		}
		for _, row := range s.subscribedItems(in, c.now, mainOnly) {
			if len(want) > 0 && !want[row.ResourceID] && !(want[in.ID] && !mainOnly) {
				continue
			}
			if req.ServiceTypeCode != nil && row.ServiceTypeCode != *req.ServiceTypeCode {
				continue
			}
			if len(req.StatusList) > 0 && !containsInt(req.StatusList, row.Status) {
				continue
			}
			exp, _ := time.Parse(layoutSeconds, row.ExpireTime)
			if !inWindow(exp, begin, end) {
				continue
			}
			rows = append(rows, row)
		}
	}
	s.mu.Unlock()
	page := resourcesPage{TotalCount: len(rows), Data: []subscribedItem{}}
	if offset < len(rows) {
		page.Data = rows[offset:min(offset+limit, len(rows))]
	}
	c.json(http.StatusOK, page)
}

// orderHolds reports whether order id names instance in; s.mu is held.
func (s *Server) orderHolds(id, in string) bool {
	o := s.orders[id]
	return o != nil && contains(o.Resources, in)
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// freeResources is ListFreeResourceUsages: each known data package's
// current monthly cycle; unknown IDs are left out.
func (s *Server) freeResources(c *call) {
	var req freeResourcesRequest
	if err := decodeStrict(c.body, &req); err != nil {
		c.badParam("%v", err)
		return
	}
	if len(req.FreeResourceIDs) == 0 || len(req.FreeResourceIDs) > 100 {
		c.badParam("free_resource_ids holds %d IDs: 1 to 100 are allowed", len(req.FreeResourceIDs))
		return
	}
	for i, id := range req.FreeResourceIDs {
		if !validFreeResourceID(id) {
			c.badParam("free_resource_ids[%d] %q: 1 to 64 digits, letters or -", i, id)
			return
		}
	}
	typeName, usageName := "流量包", "上行流量"
	if strings.HasPrefix(c.r.Header.Get("X-Language"), "en") {
		typeName, usageName = "Data package", "Upstream traffic"
	}
	out := freeResourcesAnswer{FreeResources: []freeResource{}}
	s.mu.Lock()
	s.advance(c.now)
	for _, id := range req.FreeResourceIDs {
		in := s.traffic[id]
		if in == nil || !in.visible(c.now) {
			continue
		}
		start, end := cycle(in.Effective, c.now)
		out.FreeResources = append(out.FreeResources, freeResource{
			FreeResourceID: id, FreeResourceTypeName: typeName, UsageTypeName: usageName,
			QuotaReuseCycle: 4, QuotaReuseCycleType: 2,
			StartTime: fmtTime(start, layoutSeconds), EndTime: fmtTime(end, layoutSeconds),
			Amount: max(0, in.TrafficTotal-in.TrafficUsed), OriginalAmount: in.TrafficTotal, MeasureID: 10,
		})
	}
	s.mu.Unlock()
	c.json(http.StatusOK, out)
}

func validFreeResourceID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			return false
		}
	}
	return true
}

// cycle is the monthly window, counted from the subscription date, that
// holds now.
func cycle(from, now time.Time) (start, end time.Time) {
	start = from
	for k := 1; ; k++ {
		end = from.AddDate(0, k, 0)
		if now.Before(end) {
			return start, end
		}
		start = end
	}
}

// pay is PayOrders: only an order waiting for payment (6) can be paid;
// the sandbox has no coupons or discounts.
func (s *Server) pay(c *call) {
	var req payRequest
	if err := decodeStrict(c.body, &req); err != nil {
		c.badParam("%v", err)
		return
	}
	yesNo := func(name string, v *string) string {
		switch {
		case v == nil:
			return name + " is required: YES or NO"
		case *v != "YES" && *v != "NO":
			return fmt.Sprintf("%s %q: must be YES or NO", name, *v)
		}
		return ""
	}
	if req.OrderID == nil || *req.OrderID == "" || len(*req.OrderID) > 64 {
		c.badParam("order_id is required: 1 to 64 characters")
		return
	}
	if msg := yesNo("use_coupon", req.UseCoupon); msg != "" {
		c.badParam("%s", msg)
		return
	}
	if msg := yesNo("use_discount", req.UseDiscount); msg != "" {
		c.badParam("%s", msg)
		return
	}
	switch {
	case *req.UseCoupon == "YES" && (len(req.CouponInfos) == 0 || len(req.CouponInfos) > 3):
		c.badParam("coupon_infos: 1 to 3 coupons are required with use_coupon YES")
		return
	case *req.UseCoupon == "NO" && len(req.CouponInfos) > 0:
		c.badParam("coupon_infos given with use_coupon NO")
		return
	case *req.UseDiscount == "YES" && len(req.DiscountInfos) != 1:
		c.badParam("discount_infos: exactly 1 discount is required with use_discount YES")
		return
	case *req.UseDiscount == "NO" && len(req.DiscountInfos) > 0:
		c.badParam("discount_infos given with use_discount NO")
		return
	}
	s.mu.Lock()
	s.advance(c.now)
	o := s.orders[*req.OrderID]
	var code, msg string
	switch {
	case o == nil:
		code, msg = "CBC.30000010", fmt.Sprintf("Invalid order: %s does not exist.", *req.OrderID)
	case s.orderStatus(o, c.now) != statusPendingPayment:
		code, msg = "CBC.99003106", fmt.Sprintf("The order status has changed and no payment can be made (order %s has status %d).", o.ID, s.orderStatus(o, c.now))
	case *req.UseCoupon == "YES" || *req.UseDiscount == "YES":
		code, msg = "CBC.99003108", "The discount or coupon cannot be used."
	case c.fault != nil && c.fault.Kind == FaultInsufficientBalance:
		code, msg = "CBC.99005003", "Insufficient balance."
	default:
		o.Paid = c.now
	}
	s.mu.Unlock()
	if code != "" {
		c.fail(http.StatusBadRequest, code, msg)
		return
	}
	c.noContent()
}

// cancel is CancelCustomerOrder: only an order waiting for payment (6)
// can be cancelled; it becomes 4.
func (s *Server) cancel(c *call) {
	var req cancelRequest
	if err := decodeStrict(c.body, &req); err != nil {
		c.badParam("%v", err)
		return
	}
	if req.OrderID == nil || *req.OrderID == "" || len(*req.OrderID) > 64 {
		c.badParam("order_id is required: 1 to 64 characters")
		return
	}
	s.mu.Lock()
	s.advance(c.now)
	o := s.orders[*req.OrderID]
	var code, msg string
	switch {
	case o == nil:
		code, msg = "CBC.0100", fmt.Sprintf("Invalid parameter: order_id %s does not exist.", *req.OrderID)
	case s.orderStatus(o, c.now) != statusPendingPayment:
		code, msg = "CBC.99005010", fmt.Sprintf("The order status does not allow cancellation (order %s has status %d).", o.ID, s.orderStatus(o, c.now))
	default:
		o.Cancelled = true
	}
	s.mu.Unlock()
	if code != "" {
		c.fail(http.StatusBadRequest, code, msg)
		return
	}
	c.noContent()
}
