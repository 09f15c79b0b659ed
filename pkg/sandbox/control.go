package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/flexusl/flexusl/pkg/purchase"
)

// LoggedRequest is a request the sandbox received. Credentials are
// redacted; so are the bodies of the IAM token request and of the password
// reset.
type LoggedRequest struct {
	Time      time.Time           `json:"time"`
	Route     string              `json:"route"`
	Method    string              `json:"method"`
	Path      string              `json:"path"`
	Query     string              `json:"query,omitempty"`
	Header    map[string][]string `json:"headers"`
	Body      string              `json:"body"`
	Status    int                 `json:"status"` // 0: the connection was dropped
	RequestID string              `json:"request_id"`
}

// Fault kinds.
const (
	FaultRateLimit           = "429"                  // HTTP 429 APIGW.0308 (the gateway's shape)
	FaultServer              = "500"                  // HTTP 500 in the service's shape
	FaultSoldOut             = "sold_out"             // HTTP 400 HCSS.14000010 (create only)
	FaultQuota               = "quota"                // HTTP 400 HCSS.14000011 (create only)
	FaultLatency             = "latency"              // answer normally after LatencyMS
	FaultDrop                = "drop"                 // do the work, then close the connection without an answer
	FaultJobFail             = "job_fail"             // ecs.action: the job's sub-jobs (or ServerID's) end FAIL
	FaultInsufficientBalance = "insufficient_balance" // bss.pay: 400 CBC.99005003, the order stays unpaid
	FaultForbidden           = "403"                  // HTTP 403 in the service's shape: the IAM policy lacks the route's permission
	FaultProductNotFound     = "product_not_found"    // bss.subscribe-rate, bss.renew-rate: 400 CBC.99006006
)

// Route names: faults are queued per route, and the request log names the
// route of each request. Their methods and paths are the router's table
// (apiRoutes).
const (
	RouteCreate           = "create"
	RouteOrder            = "order"
	RouteIAM              = "iam"
	RouteRMSList          = "rms.list"
	RouteECSShow          = "ecs.show"
	RouteECSUpdate        = "ecs.update"
	RouteECSAction        = "ecs.action"
	RouteECSJob           = "ecs.job"
	RouteECSPassword      = "ecs.password"
	RouteBSSRenew         = "bss.renew"
	RouteBSSUnsubscribe   = "bss.unsubscribe"
	RouteBSSAutoRenew     = "bss.autorenew"
	RouteBSSPay           = "bss.pay"
	RouteBSSCancel        = "bss.cancel"
	RouteBSSOrders        = "bss.orders"
	RouteBSSResources     = "bss.resources"
	RouteBSSTraffic       = "bss.traffic"
	RouteBSSSubscribeRate = "bss.subscribe-rate"
	RouteBSSRenewRate     = "bss.renew-rate"
	RouteVPCGroups        = "vpc.groups"
	RouteVPCGroup         = "vpc.group"
	RouteVPCRules         = "vpc.rules"
	RouteVPCRule          = "vpc.rule"
	RouteVPCRuleCreate    = "vpc.rule.create"
	RouteVPCRuleDelete    = "vpc.rule.delete"
	RouteUnknown          = "unknown" // no such API (logged, 404 APIGW.0101); faults cannot be queued
)

// Fault is queued for the next Count requests of Route.
type Fault struct {
	Route     string `json:"route"`
	Kind      string `json:"kind"`
	Count     int    `json:"count"`
	LatencyMS int    `json:"latency_ms,omitempty"`
	ServerID  string `json:"server_id,omitempty"` // job_fail: only this server's sub-job fails
}

// AddFault queues a fault.
func (s *Server) AddFault(f Fault) error {
	if !slices.Contains(Routes(), f.Route) {
		return fmt.Errorf("route %q: want one of %s", f.Route, strings.Join(Routes(), ", "))
	}
	switch f.Kind {
	case FaultRateLimit, FaultServer, FaultLatency, FaultDrop, FaultForbidden:
	case FaultSoldOut, FaultQuota:
		if f.Route != RouteCreate {
			return fmt.Errorf("kind %s applies to route create only", f.Kind)
		}
	case FaultJobFail:
		if f.Route != RouteECSAction {
			return fmt.Errorf("kind job_fail applies to route ecs.action only (the job it creates fails)")
		}
	case FaultInsufficientBalance:
		if f.Route != RouteBSSPay {
			return fmt.Errorf("kind insufficient_balance applies to route bss.pay only")
		}
	case FaultProductNotFound:
		if f.Route != RouteBSSSubscribeRate && f.Route != RouteBSSRenewRate {
			return fmt.Errorf("kind %s applies to routes %s and %s only", f.Kind, RouteBSSSubscribeRate, RouteBSSRenewRate)
		}
	default:
		return fmt.Errorf("kind %q: want 429, 500, 403, sold_out, quota, latency, drop, job_fail, insufficient_balance or product_not_found", f.Kind)
	}
	if f.ServerID != "" && f.Kind != FaultJobFail {
		return fmt.Errorf("server_id applies to job_fail only")
	}
	if f.Count <= 0 {
		f.Count = 1
	}
	if f.Kind == FaultLatency && f.LatencyMS <= 0 {
		return fmt.Errorf("latency needs latency_ms > 0")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[f.Route] = append(s.faults[f.Route], &f)
	return nil
}

// Requests returns the API requests received so far.
func (s *Server) Requests() []LoggedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LoggedRequest(nil), s.requests...)
}

// OrderSummary is an order as the control API lists it.
type OrderSummary struct {
	OrderID         string   `json:"order_id"`
	OrderType       int      `json:"order_type"` // 1 new, 2 renewal, 4 unsubscription
	Status          int      `json:"status"`
	ClientRequestID string   `json:"client_request_id,omitempty"`
	InstanceIDs     []string `json:"instance_ids"`
	InstanceName    string   `json:"instance_name,omitempty"`
	Region          string   `json:"region,omitempty"`
	Amount          float64  `json:"amount"`
}

// Orders lists the orders placed, oldest first.
func (s *Server) Orders() []OrderSummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	s.advance(now)
	out := make([]OrderSummary, 0, len(s.seq))
	for _, id := range s.seq {
		o := s.orders[id]
		sum := OrderSummary{OrderID: o.ID, OrderType: o.Type, Status: s.orderStatus(o, now), ClientRequestID: o.ClientRequestID,
			InstanceIDs: o.Resources, Region: o.Region, Amount: o.Amount}
		if o.Request != nil {
			sum.InstanceName = o.Request.InstanceName
		}
		out = append(out, sum)
	}
	return out
}

// InstanceSummary is an instance as the control API lists it.
type InstanceSummary struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	Region         string  `json:"region"`
	ProjectID      string  `json:"project_id"`
	OrderID        string  `json:"order_id"`
	State          string  `json:"state"` // provisioning, normal, deleted
	ServerID       string  `json:"server_id"`
	ServerStatus   string  `json:"server_status"`
	PublicIP       string  `json:"public_ip"`
	TrafficID      string  `json:"traffic_id"`
	TrafficUsedGB  float64 `json:"traffic_used_gb"`
	TrafficTotalGB float64 `json:"traffic_total_gb"`
	ExpireTime     string  `json:"expire_time"`
	AutoRenew      bool    `json:"auto_renew"`
	PasswordResets int     `json:"password_resets"` // how many resets were applied (never the password)
}

// Instances lists every instance, provisioning and deleted ones included,
// in creation order.
func (s *Server) Instances() []InstanceSummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	s.advance(now)
	out := make([]InstanceSummary, 0, len(s.instSeq))
	for _, in := range s.instSeq {
		out = append(out, s.summary(in, now))
	}
	return out
}

// summary renders an instance for the control API; s.mu is held.
func (s *Server) summary(in *instance, now time.Time) InstanceSummary {
	state := "normal"
	switch {
	case in.Deleted:
		state = "deleted"
	case now.Before(in.VisibleAt):
		state = "provisioning"
	}
	return InstanceSummary{ID: in.ID, Name: in.Name, Region: in.Region, ProjectID: in.ProjectID, OrderID: in.OrderID, State: state,
		ServerID: in.Server.ID, ServerStatus: s.serverState(in, now).Status, PublicIP: in.PublicIP, TrafficID: in.TrafficID,
		TrafficUsedGB: in.TrafficUsed, TrafficTotalGB: in.TrafficTotal, ExpireTime: fmtTime(in.Expire, layoutSeconds),
		AutoRenew: in.AutoRenew, PasswordResets: in.PasswordResets}
}

// ProvisionRequest asks for instances that exist at once, without going
// through the purchase and the clocks (for tests and benchmarks).
type ProvisionRequest struct {
	Count      int      `json:"count"`             // 1 to 10,000
	Regions    []string `json:"regions,omitempty"` // spread round-robin; default ap-southeast-3
	Name       string   `json:"name,omitempty"`    // names NAME-0001..., default "sandbox"
	Spec       string   `json:"spec,omitempty"`    // default hf.large.1.30m.linux
	PeriodType string   `json:"period_type,omitempty"`
	PeriodNum  int      `json:"period_num,omitempty"`
	AutoRenew  bool     `json:"auto_renew,omitempty"`
}

// Provision creates Count instances in completed purchase orders (one
// order per region and 200 instances, the purchase limit), visible in RMS
// and ECS at once.
func (s *Server) Provision(p ProvisionRequest) ([]InstanceSummary, error) {
	if p.Count < 1 || p.Count > 10000 {
		return nil, fmt.Errorf("count %d: want 1 to 10000", p.Count)
	}
	if len(p.Regions) == 0 {
		p.Regions = []string{"ap-southeast-3"}
	}
	for _, r := range p.Regions {
		if _, ok := s.opts.Catalog.Region(r); !ok {
			return nil, fmt.Errorf("region %q: want one of %s", r, strings.Join(s.opts.Catalog.RegionIDs(), ", "))
		}
	}
	if p.Name == "" {
		p.Name = "sandbox"
	}
	if p.Spec == "" {
		p.Spec = "hf.large.1.30m.linux"
	}
	if _, ok := s.opts.Catalog.Spec(p.Spec); !ok {
		return nil, fmt.Errorf("spec %q is not in the catalog", p.Spec)
	}
	if p.PeriodType == "" {
		p.PeriodType = purchase.PeriodMonth
	}
	if p.PeriodNum == 0 {
		p.PeriodNum = 1
	}
	periodType := periodMonth
	switch p.PeriodType {
	case purchase.PeriodMonth:
	case purchase.PeriodYear:
		periodType = periodYear
	default:
		return nil, fmt.Errorf("period_type %q: want month or year", p.PeriodType)
	}
	image := s.imageFor(p.Spec)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	s.advance(now)
	// One completed order per region and 200 instances; the instances are
	// created in name order, round-robin over the regions.
	perRegion := map[string]int{}
	orders := map[string][]*order{}
	for i := 0; i < p.Count; i++ {
		perRegion[p.Regions[i%len(p.Regions)]]++
	}
	for _, r := range p.Regions {
		for left := perRegion[r]; left > 0; left -= 200 {
			n := min(200, left)
			req := &purchase.Request{InstanceName: p.Name, PlanSpec: p.Spec, Region: r, ChargingMode: purchase.ChargingPrePaid,
				PeriodType: p.PeriodType, PeriodNum: p.PeriodNum, PurchaseQuantity: purchase.Ptr(n),
				IsAutoRenew: purchase.Ptr(p.AutoRenew), IsAutoPay: purchase.Ptr(true), ImageRef: &purchase.ImageRef{ImageName: image}}
			o := &order{Type: orderNew, Request: req, Region: r, PeriodType: periodType, PeriodNum: p.PeriodNum, Created: now, Paid: now,
				Amount: price(s.monthly(p.Spec, nil), periodType, p.PeriodNum, n), Applied: true, CompletedAt: now,
				Effective: now, Expire: expiryAfter(now, months(periodType, p.PeriodNum))}
			o.ID = s.newOrderID()
			s.orders[o.ID] = o
			s.seq = append(s.seq, o.ID)
			orders[r] = append(orders[r], o)
		}
		perRegion[r] = 0
	}
	out := make([]InstanceSummary, 0, p.Count)
	for i := 0; i < p.Count; i++ {
		r := p.Regions[i%len(p.Regions)]
		o := orders[r][perRegion[r]/200]
		perRegion[r]++
		id := randomHex(12)
		o.Resources = append(o.Resources, id)
		out = append(out, s.summary(s.addInstance(o, id, fmt.Sprintf("%s-%04d", p.Name, i+1), now, now), now))
	}
	return out, nil
}

// imageFor picks the first catalog image offered with a spec.
func (s *Server) imageFor(spec string) string {
	for _, im := range s.opts.Catalog.Images {
		for _, v := range im.Versions {
			for _, ref := range v.Specs {
				if ref.Code == spec {
					return im.Name + " " + v.Version
				}
			}
		}
	}
	return ""
}

// MaxTrafficGB bounds the traffic a test may set as used (1 EB).
const MaxTrafficGB = 1e9

// SetTrafficUsed sets how much of an instance's data package (GB) is used
// in the current cycle.
func (s *Server) SetTrafficUsed(instanceID string, usedGB float64) error {
	if math.IsNaN(usedGB) || math.IsInf(usedGB, 0) || usedGB < 0 || usedGB > MaxTrafficGB {
		// NaN and infinities have no JSON form: every answer carrying
		// them would fail.
		return fmt.Errorf("used_gb %v: must be a number from 0 to %g", usedGB, float64(MaxTrafficGB))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.instances[instanceID]
	if in == nil {
		return fmt.Errorf("instance %s does not exist", instanceID)
	}
	in.TrafficUsed = usedGB
	return nil
}

// Pay moves an order waiting for payment to processing (the console's
// payment).
func (s *Server) Pay(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance(s.opts.Now())
	o, ok := s.orders[id]
	switch {
	case !ok:
		return fmt.Errorf("order %s does not exist", id)
	case o.Cancelled:
		return fmt.Errorf("order %s is cancelled", id)
	case !o.Paid.IsZero():
		return fmt.Errorf("order %s is already paid", id)
	}
	o.Paid = s.opts.Now()
	return nil
}

// Cancel cancels an order that has not completed.
func (s *Server) Cancel(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	s.advance(now)
	o, ok := s.orders[id]
	if !ok {
		return fmt.Errorf("order %s does not exist", id)
	}
	if s.orderStatus(o, now) == statusCompleted {
		return fmt.Errorf("order %s is completed", id)
	}
	o.Cancelled = true
	return nil
}

// Reset forgets orders, instances, jobs, security groups, requests and
// faults.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetLocked()
}

// Settings are the clocks the control API can change.
type Settings struct {
	CompleteAfter  *string `json:"complete_after,omitempty"`
	ProvisionAfter *string `json:"provision_after,omitempty"`
	JobAfter       *string `json:"job_after,omitempty"`
}

// controlRoute is one route of the control API: the router registers it
// and `flexusl sandbox --help` lists it (see ControlRoutes).
type controlRoute struct {
	method, path, help string
	handle             func(s *Server, w http.ResponseWriter, r *http.Request)
}

// controlRoutes is the control API's table, in the order --help lists it.
func controlRoutes() []controlRoute {
	ok := map[string]bool{"ok": true}
	return []controlRoute{
		{"GET", "/_sandbox/requests", "requests received (credentials and password bodies redacted)",
			func(s *Server, w http.ResponseWriter, r *http.Request) { controlJSON(w, s.Requests()) }},
		{"GET", "/_sandbox/orders", "orders placed",
			func(s *Server, w http.ResponseWriter, r *http.Request) { controlJSON(w, s.Orders()) }},
		{"GET", "/_sandbox/instances", "instances, with server, public IP and data package",
			func(s *Server, w http.ResponseWriter, r *http.Request) { controlJSON(w, s.Instances()) }},
		{"POST", "/_sandbox/instances", `{"count":450,"regions":["ap-southeast-1","tr-west-1"]}: instances at once`,
			func(s *Server, w http.ResponseWriter, r *http.Request) {
				var p ProvisionRequest
				if decodeControl(w, r, &p) {
					out, err := s.Provision(p)
					controlResult(w, out, err)
				}
			}},
		{"POST", "/_sandbox/instances/{id}/traffic", `{"used_gb":281.5}`,
			func(s *Server, w http.ResponseWriter, r *http.Request) {
				var b struct {
					UsedGB *float64 `json:"used_gb"`
				}
				if decodeControl(w, r, &b) {
					if b.UsedGB == nil {
						controlError(w, fmt.Errorf("used_gb is required"))
						return
					}
					controlResult(w, ok, s.SetTrafficUsed(r.PathValue("id"), *b.UsedGB))
				}
			}},
		{"GET", "/_sandbox/security-groups", "security groups with their rule counts and instances",
			func(s *Server, w http.ResponseWriter, r *http.Request) { controlJSON(w, s.SecurityGroups()) }},
		{"POST", "/_sandbox/instances/{id}/security-groups",
			`{"name":"web","description":"..."} or {"group_id":"..."}: attach another group to the instance's server`,
			func(s *Server, w http.ResponseWriter, r *http.Request) {
				var a AttachRequest
				if decodeControl(w, r, &a) {
					g, err := s.AttachGroup(r.PathValue("id"), a)
					controlResult(w, g, err)
				}
			}},
		{"POST", "/_sandbox/faults", `{"route":"ecs.action","kind":"429|500|403|latency|drop|job_fail|...","count":N}`,
			func(s *Server, w http.ResponseWriter, r *http.Request) {
				var f Fault
				if decodeControl(w, r, &f) {
					controlResult(w, f, s.AddFault(f))
				}
			}},
		{"POST", "/_sandbox/settings", `{"complete_after":"1s","provision_after":"0s","job_after":"2s"}`,
			func(s *Server, w http.ResponseWriter, r *http.Request) {
				var st Settings
				if decodeControl(w, r, &st) {
					controlResult(w, ok, s.apply(st))
				}
			}},
		{"POST", "/_sandbox/orders/{id}/pay", "pay an order waiting for payment",
			func(s *Server, w http.ResponseWriter, r *http.Request) {
				controlResult(w, ok, s.Pay(r.PathValue("id")))
			}},
		{"POST", "/_sandbox/orders/{id}/cancel", "cancel an order",
			func(s *Server, w http.ResponseWriter, r *http.Request) {
				controlResult(w, ok, s.Cancel(r.PathValue("id")))
			}},
		{"POST", "/_sandbox/reset", "forget everything",
			func(s *Server, w http.ResponseWriter, r *http.Request) { s.Reset(); controlJSON(w, ok) }},
	}
}

// apply changes the clocks named in st.
func (s *Server) apply(st Settings) error {
	parse := func(name string, v *string) (time.Duration, error) {
		d, err := time.ParseDuration(*v)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("%s %q: want a duration such as 2s or 0s", name, *v)
		}
		return d, nil
	}
	var ds [3]*time.Duration
	for i, p := range []struct {
		name string
		v    *string
	}{{"complete_after", st.CompleteAfter}, {"provision_after", st.ProvisionAfter}, {"job_after", st.JobAfter}} {
		if p.v == nil {
			continue
		}
		d, err := parse(p.name, p.v)
		if err != nil {
			return err
		}
		ds[i] = &d
	}
	if ds[0] != nil && *ds[0] == 0 {
		return fmt.Errorf("complete_after must be positive")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ds[0] != nil {
		s.opts.CompleteAfter = *ds[0]
	}
	if ds[1] != nil {
		s.opts.ProvisionAfter = *ds[1]
	}
	if ds[2] != nil {
		s.opts.JobAfter = *ds[2]
	}
	return nil
}

func decodeControl(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		controlError(w, err)
		return false
	}
	return true
}

func controlJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	json.NewEncoder(w).Encode(v)
}

func controlError(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(commonError{ErrorCode: "SANDBOX.0001", ErrorMsg: err.Error(), RequestID: newRequestID()})
}

func controlResult(w http.ResponseWriter, v any, err error) {
	if err != nil {
		controlError(w, err)
		return
	}
	controlJSON(w, v)
}
