// Package sandbox is a local stand-in for the FlexusL purchase API (HCSS),
// the order API (BSS) and the IAM calls flexusl makes, behaving as
// shared/api documents them: the same validation (through package purchase
// and the catalog), the same error bodies, orders that move from processing
// (3) to completed (5), or wait at pending payment (6) until paid. A control
// API under /_sandbox/ lists received requests, queues faults, pays or
// cancels orders and resets. It keeps all state in memory.
package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/catalog"
	"github.com/flexusl/flexusl/pkg/purchase"
	"github.com/flexusl/flexusl/pkg/signer"
)

// Defaults for the sandbox's credentials (test values, not secrets).
const (
	DefaultToken         = "sandbox"
	DefaultAccessKey     = "SANDBOXACCESSKEY0001"
	DefaultSecretKey     = "sandbox-secret-key"
	DefaultDomainID      = "sandbox0domain0id0000000000000001"
	DefaultPassword      = "sandbox"
	DefaultCompleteAfter = 5 * time.Second
)

// Options configure a Server. Zero values take the defaults.
type Options struct {
	Token         string
	AccessKey     string
	SecretKey     string
	DomainID      string
	Password      string // the IAM password accepted for any user
	CompleteAfter time.Duration
	Catalog       *catalog.Catalog
	Now           func() time.Time
	// Log, when set, gets one line per API request.
	Log func(line string)
}

// Server is the sandbox; it is an http.Handler.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu       sync.Mutex
	orders   map[string]*order
	seq      []string // order IDs in creation order
	requests []LoggedRequest
	faults   map[string][]*Fault
}

type order struct {
	ID              string
	InstanceIDs     []string
	ClientRequestID string
	Request         purchase.Request
	Created         time.Time
	Paid            time.Time // processing since; zero while unpaid
	Cancelled       bool
	Amount          float64
}

// LoggedRequest is a request the sandbox received, secrets redacted.
type LoggedRequest struct {
	Time   time.Time           `json:"time"`
	Method string              `json:"method"`
	Path   string              `json:"path"`
	Query  string              `json:"query,omitempty"`
	Header map[string][]string `json:"headers"`
	Body   string              `json:"body"`
	Status int                 `json:"status"`
}

// Fault kinds.
const (
	FaultRateLimit = "429"      // HTTP 429 APIGW.0308
	FaultServer    = "500"      // HTTP 500 HCSS.15000001
	FaultSoldOut   = "sold_out" // HTTP 400 HCSS.14000010
	FaultQuota     = "quota"    // HTTP 400 HCSS.14000011
	FaultLatency   = "latency"  // answer normally after LatencyMS
	FaultDrop      = "drop"     // close the connection without an answer (a purchase IS placed first)
)

// Routes faults apply to.
const (
	RouteCreate = "create" // POST /v1/light-instances
	RouteOrder  = "order"  // GET /v2/orders/customer-orders/details/{id}
	RouteIAM    = "iam"    // /v3/...
)

// Fault is queued for the next Count requests of Route.
type Fault struct {
	Route     string `json:"route"`
	Kind      string `json:"kind"`
	Count     int    `json:"count"`
	LatencyMS int    `json:"latency_ms,omitempty"`
}

// New builds a sandbox.
func New(o Options) (*Server, error) {
	if o.Token == "" {
		o.Token = DefaultToken
	}
	if o.AccessKey == "" {
		o.AccessKey = DefaultAccessKey
	}
	if o.SecretKey == "" {
		o.SecretKey = DefaultSecretKey
	}
	if o.DomainID == "" {
		o.DomainID = DefaultDomainID
	}
	if o.Password == "" {
		o.Password = DefaultPassword
	}
	if o.CompleteAfter == 0 {
		o.CompleteAfter = DefaultCompleteAfter
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Catalog == nil {
		c, err := catalog.Default()
		if err != nil {
			return nil, err
		}
		o.Catalog = c
	}
	s := &Server{opts: o, orders: map[string]*order{}, faults: map[string][]*Fault{}}
	m := http.NewServeMux()
	m.HandleFunc("POST "+api.CreatePath, s.api(RouteCreate, s.create))
	m.HandleFunc("GET "+api.OrderPath+"{id}", s.api(RouteOrder, s.showOrder))
	m.HandleFunc("POST "+api.TokensPath, s.api(RouteIAM, s.issueToken))
	m.HandleFunc("GET "+api.ProjectsPath, s.api(RouteIAM, s.projects))
	m.HandleFunc("GET "+api.DomainsPath, s.api(RouteIAM, s.domains))
	m.HandleFunc("GET /_sandbox/requests", s.listRequests)
	m.HandleFunc("GET /_sandbox/orders", s.listOrders)
	m.HandleFunc("POST /_sandbox/faults", s.addFault)
	m.HandleFunc("POST /_sandbox/orders/{id}/pay", s.payOrder)
	m.HandleFunc("POST /_sandbox/orders/{id}/cancel", s.cancelOrder)
	m.HandleFunc("POST /_sandbox/reset", s.reset)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "APIGW.0101", fmt.Sprintf("The API does not exist or has not been published: %s %s", r.Method, r.URL.Path))
	})
	s.mux = m
	return s, nil
}

// SetCompleteAfter changes how long a paid order stays processing.
func (s *Server) SetCompleteAfter(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.CompleteAfter = d
}

// Token is the token the sandbox accepts.
func (s *Server) Token() string { return s.opts.Token }

// AccessKey and SecretKey are the key pair the sandbox accepts.
func (s *Server) AccessKey() string { return s.opts.AccessKey }

// SecretKey is the secret of the accepted key pair.
func (s *Server) SecretKey() string { return s.opts.SecretKey }

// DomainID is the sandbox account's domain ID.
func (s *Server) DomainID() string { return s.opts.DomainID }

// ProjectID is the sandbox's project ID of a region.
func ProjectID(region string) string {
	sum := sha256.Sum256([]byte("flexusl-sandbox/" + region))
	return hex.EncodeToString(sum[:16])
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(c int) { w.status = c; w.ResponseWriter.WriteHeader(c) }

// api wraps an API route: reads the body, logs the request, applies a
// queued fault, then runs h.
func (s *Server) api(route string, h func(w http.ResponseWriter, r *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		idx := s.logRequest(r, body, route == RouteIAM && r.Method == http.MethodPost)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() { s.setStatus(idx, sw.status) }()
		if f := s.takeFault(route); f != nil {
			switch f.Kind {
			case FaultRateLimit:
				writeError(sw, http.StatusTooManyRequests, "APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit,limit:200,time:5 minute")
				return
			case FaultServer:
				writeError(sw, http.StatusInternalServerError, "HCSS.15000001", "Server exception.")
				return
			case FaultSoldOut:
				writeError(sw, http.StatusBadRequest, "HCSS.14000010", "Insufficient specifications.")
				return
			case FaultQuota:
				writeError(sw, http.StatusBadRequest, "HCSS.14000011", "Insufficient quota.")
				return
			case FaultLatency:
				select {
				case <-time.After(time.Duration(f.LatencyMS) * time.Millisecond):
				case <-r.Context().Done():
					return
				}
			case FaultDrop:
				// The server does the work, then the answer is lost: the
				// case a client must never "fix" by sending again.
				rec := &discardWriter{header: http.Header{}}
				h(rec, r, body)
				sw.status = 0
				if hj, ok := w.(http.Hijacker); ok {
					if conn, _, err := hj.Hijack(); err == nil {
						conn.Close()
					}
				}
				return
			}
		}
		h(sw, r, body)
	}
}

type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

func newRequestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", newRequestID())
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError answers in Huawei Cloud's error shape.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"error_code": code, "error_msg": msg, "request_id": newRequestID()})
}

var secretHeaders = map[string]bool{"X-Auth-Token": true, "Authorization": true, "X-Security-Token": true}

func (s *Server) logRequest(r *http.Request, body []byte, secretBody bool) int {
	h := map[string][]string{}
	for k, v := range r.Header {
		if secretHeaders[http.CanonicalHeaderKey(k)] {
			v = []string{"REDACTED"}
		}
		h[k] = v
	}
	b := string(body)
	if secretBody {
		b = "[redacted: holds a password]"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, LoggedRequest{Time: s.opts.Now().UTC(), Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: h, Body: b})
	if s.opts.Log != nil {
		s.opts.Log(fmt.Sprintf("%s %s %s", s.opts.Now().UTC().Format(time.RFC3339), r.Method, r.URL.RequestURI()))
	}
	return len(s.requests) - 1
}

func (s *Server) setStatus(i, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < len(s.requests) {
		s.requests[i].Status = status
	}
}

func (s *Server) takeFault(route string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[route]
	if len(q) == 0 {
		return nil
	}
	f := *q[0]
	q[0].Count--
	if q[0].Count <= 0 {
		s.faults[route] = q[1:]
	}
	return &f
}

// authenticate accepts the sandbox token or a valid AK/SK signature; for
// AK/SK, project-scoped calls need X-Project-Id and global calls need the
// sandbox's X-Domain-Id.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, body []byte, scope string) bool {
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		if tok == s.opts.Token {
			return true
		}
		writeError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: verify token fail")
		return false
	}
	if r.Header.Get("Authorization") == "" {
		writeError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: no X-Auth-Token or Authorization header")
		return false
	}
	lookup := func(ak string) (string, bool) { return s.opts.SecretKey, ak == s.opts.AccessKey }
	if _, err := signer.Verify(r, body, lookup, s.opts.Now(), 15*time.Minute); err != nil {
		writeError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: "+err.Error())
		return false
	}
	switch scope {
	case "project":
		if r.Header.Get("X-Project-Id") == "" {
			writeError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: X-Project-Id is required for AK/SK")
			return false
		}
	case "domain":
		if r.Header.Get("X-Domain-Id") != s.opts.DomainID {
			writeError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: X-Domain-Id is missing or not this account's")
			return false
		}
	}
	return true
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, body []byte) {
	if !s.authenticate(w, r, body, "project") {
		return
	}
	crid := r.Header.Get("Client-Request-Id")
	if p := purchase.CheckClientRequestID(crid); p != nil {
		writeError(w, http.StatusBadRequest, "HCSS.14000001", "Invalid parameter: "+p.Error())
		return
	}
	req, ps := purchase.Decode(body)
	if len(ps) == 0 {
		ps = req.Validate(s.opts.Catalog, purchase.Options{})
	}
	if len(ps) > 0 {
		msgs := make([]string, len(ps))
		for i, p := range ps {
			msgs[i] = p.Error()
		}
		writeError(w, http.StatusBadRequest, "HCSS.14000001", "Invalid parameter: "+strings.Join(msgs, "; "))
		return
	}
	req.Normalize(s.opts.Catalog)
	now := s.opts.Now()
	o := &order{ClientRequestID: crid, Request: *req, Created: now, Amount: s.price(req)}
	if req.AutoPay() {
		o.Paid = now
	}
	s.mu.Lock()
	o.ID = s.newOrderID()
	for i := 0; i < req.Quantity(); i++ {
		o.InstanceIDs = append(o.InstanceIDs, randomHex(12))
	}
	s.orders[o.ID] = o
	s.seq = append(s.seq, o.ID)
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, api.CreateResult{OrderID: o.ID, InstanceIDs: o.InstanceIDs})
}

// price is a made-up, deterministic price (USD) so orders have amounts.
func (s *Server) price(r *purchase.Request) float64 {
	spec, _ := s.opts.Catalog.Spec(r.PlanSpec)
	monthly := 3 + 2.5*spec.MemoryGiB + float64(spec.VCPUs)
	for _, e := range r.ExtraResources {
		if e.Size != nil {
			monthly += 0.05 * float64(*e.Size)
		} else {
			monthly += 2
		}
	}
	months := r.PeriodNum
	if r.PeriodType == purchase.PeriodYear {
		months *= 10 // a year costs ten months
	}
	return math.Round(monthly*float64(months*r.Quantity())*100) / 100
}

const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// newOrderID makes an ID like the page's (CS + 15 upper-case letters and
// digits); s.mu is held.
func (s *Server) newOrderID() string {
	for {
		b := make([]byte, 15)
		rand.Read(b)
		for i := range b {
			b[i] = idChars[int(b[i])%len(idChars)]
		}
		id := "CS" + string(b)
		if _, dup := s.orders[id]; !dup {
			return id
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) status(o *order) int {
	switch {
	case o.Cancelled:
		return api.StatusCancelled
	case o.Paid.IsZero():
		return api.StatusPendingPayment
	case s.opts.Now().Sub(o.Paid) >= s.opts.CompleteAfter:
		return api.StatusCompleted
	}
	return api.StatusProcessing
}

func (s *Server) showOrder(w http.ResponseWriter, r *http.Request, body []byte) {
	if !s.authenticate(w, r, body, "domain") {
		return
	}
	id := r.PathValue("id")
	s.mu.Lock()
	o, ok := s.orders[id]
	var d api.OrderDetails
	if ok {
		d = s.details(o)
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusBadRequest, "CBC.0101", fmt.Sprintf("Invalid parameter: order %s does not exist.", id))
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// details renders an order as BSS does; s.mu is held.
func (s *Server) details(o *order) api.OrderDetails {
	const layout = "2006-01-02T15:04:05Z"
	info := api.OrderInfo{
		OrderID: o.ID, CustomerID: s.opts.DomainID, ServiceTypeCode: "hws.service.type.hcss", ServiceTypeName: "FlexusL",
		SourceType: 1, Status: s.status(o), OrderType: 1, AmountAfterDiscount: o.Amount, OfficialAmount: o.Amount,
		MeasureID: 1, CreateTime: o.Created.UTC().Format(layout), Currency: "USD", UserName: "sandbox",
	}
	if !o.Paid.IsZero() {
		info.PaymentTime = o.Paid.UTC().Format(layout)
	} else {
		info.PendingPaymentEndTime = o.Created.Add(24 * time.Hour).UTC().Format(layout)
	}
	periodType := 2 // month
	if o.Request.PeriodType == purchase.PeriodYear {
		periodType = 3
	}
	items := []api.OrderLineItem{{
		OrderLineItemID: o.ID + "-000001", CloudServiceTypeCode: "hws.service.type.hcss", ProductID: "sandbox-" + o.Request.PlanSpec,
		ProductSpecDesc: o.Request.PlanSpec, PeriodType: periodType, PeriodNum: o.Request.PeriodNum, SubscriptionNum: o.Request.Quantity(),
		AmountAfterDiscount: o.Amount, OfficialAmount: o.Amount, Currency: "USD",
	}}
	return api.OrderDetails{TotalCount: 1, OrderInfo: info, OrderLineItems: items}
}

func (s *Server) issueToken(w http.ResponseWriter, r *http.Request, body []byte) {
	var req api.TokenRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "IAM.0011", "Request parmeter error: "+err.Error())
		return
	}
	u := req.Auth.Identity.Password.User
	if u.Name == "" || u.Domain.Name == "" || u.Password != s.opts.Password {
		writeError(w, http.StatusUnauthorized, "IAM.0005", "The username or password is incorrect.")
		return
	}
	region := req.Auth.Scope.Project.Name
	if _, ok := s.opts.Catalog.Region(region); !ok {
		writeError(w, http.StatusBadRequest, "IAM.0011", fmt.Sprintf("Request parmeter error: project %q does not exist", region))
		return
	}
	w.Header().Set("X-Subject-Token", s.opts.Token)
	writeJSON(w, http.StatusCreated, map[string]any{"token": map[string]any{
		"expires_at": s.opts.Now().Add(24 * time.Hour).UTC().Format("2006-01-02T15:04:05.000000Z"),
		"issued_at":  s.opts.Now().UTC().Format("2006-01-02T15:04:05.000000Z"),
		"methods":    []string{"password"},
		"project":    map[string]string{"id": ProjectID(region), "name": region},
		"user":       map[string]any{"name": u.Name, "domain": map[string]string{"id": s.opts.DomainID, "name": u.Domain.Name}},
	}})
}

func (s *Server) projects(w http.ResponseWriter, r *http.Request, body []byte) {
	if !s.authenticate(w, r, body, "none") {
		return
	}
	name := r.URL.Query().Get("name")
	out := []map[string]string{}
	for _, reg := range s.opts.Catalog.Regions {
		if name == "" || reg.ID == name {
			out = append(out, map[string]string{"id": ProjectID(reg.ID), "name": reg.ID, "domain_id": s.opts.DomainID})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"projects": out})
}

func (s *Server) domains(w http.ResponseWriter, r *http.Request, body []byte) {
	if !s.authenticate(w, r, body, "none") {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"domains": []map[string]any{{"id": s.opts.DomainID, "name": "sandbox", "enabled": true}}})
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
	Status          int      `json:"status"`
	ClientRequestID string   `json:"client_request_id"`
	InstanceIDs     []string `json:"instance_ids"`
	InstanceName    string   `json:"instance_name"`
	Region          string   `json:"region"`
}

// Orders lists the orders placed, oldest first.
func (s *Server) Orders() []OrderSummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]OrderSummary, 0, len(s.seq))
	for _, id := range s.seq {
		o := s.orders[id]
		out = append(out, OrderSummary{o.ID, s.status(o), o.ClientRequestID, o.InstanceIDs, o.Request.InstanceName, o.Request.Region})
	}
	return out
}

// AddFault queues a fault.
func (s *Server) AddFault(f Fault) error {
	switch f.Route {
	case RouteCreate, RouteOrder, RouteIAM:
	default:
		return fmt.Errorf("route %q: want create, order or iam", f.Route)
	}
	switch f.Kind {
	case FaultRateLimit, FaultServer, FaultSoldOut, FaultQuota, FaultLatency, FaultDrop:
	default:
		return fmt.Errorf("kind %q: want 429, 500, sold_out, quota, latency or drop", f.Kind)
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

// Pay moves an order waiting for payment to processing.
func (s *Server) Pay(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
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
	o, ok := s.orders[id]
	if !ok {
		return fmt.Errorf("order %s does not exist", id)
	}
	if s.status(o) == api.StatusCompleted {
		return fmt.Errorf("order %s is completed", id)
	}
	o.Cancelled = true
	return nil
}

// Reset forgets orders, requests and faults.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orders, s.seq, s.requests, s.faults = map[string]*order{}, nil, nil, map[string][]*Fault{}
}

func (s *Server) listRequests(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Requests())
}

func (s *Server) listOrders(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Orders())
}

func (s *Server) addFault(w http.ResponseWriter, r *http.Request) {
	var f Fault
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		writeError(w, http.StatusBadRequest, "SANDBOX.0001", "fault: "+err.Error())
		return
	}
	if err := s.AddFault(f); err != nil {
		writeError(w, http.StatusBadRequest, "SANDBOX.0001", "fault: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, f)
}

func (s *Server) payOrder(w http.ResponseWriter, r *http.Request) {
	s.control(w, s.Pay(r.PathValue("id")))
}

func (s *Server) cancelOrder(w http.ResponseWriter, r *http.Request) {
	s.control(w, s.Cancel(r.PathValue("id")))
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	s.Reset()
	s.control(w, nil)
}

func (s *Server) control(w http.ResponseWriter, err error) {
	if err != nil {
		writeError(w, http.StatusBadRequest, "SANDBOX.0002", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}
