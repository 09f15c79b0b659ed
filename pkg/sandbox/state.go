// Package sandbox is a local, in-memory stand-in for every Huawei Cloud API
// flexusl calls: the FlexusL purchase (HCSS), orders, renewals, payments and
// subscriptions (BSS), the instance list (Config/RMS), the server inside
// each instance (ECS) and IAM. It answers in the shapes of the documented
// examples (testdata/wire), with the documented validation and error codes,
// and keeps one state: orders -> instances -> servers -> subscriptions.
//
// Time drives the state: a paid order completes after CompleteAfter; the
// instances of a completed purchase appear in RMS and ECS ProvisionAfter
// later; an ECS job's sub-jobs move INIT -> RUNNING -> SUCCESS/FAIL over
// JobAfter and then change their server. The state is brought up to date
// (advance) under the lock at the start of every request, from Options.Now,
// so tests drive it with a fake clock and never sleep.
//
// The sandbox decodes requests and encodes answers with its own types, never
// the client's (package api), so a wrong JSON name on one side cannot pass
// both. A control API under /_sandbox/ lists requests, orders and
// instances, queues faults, provisions instances in bulk and resets.
package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/flexusl/flexusl/pkg/catalog"
	"github.com/flexusl/flexusl/pkg/purchase"
	"github.com/google/uuid"
)

// Defaults for the sandbox's credentials (test values, not secrets) and
// clocks.
const (
	DefaultToken          = "sandbox"
	DefaultAccessKey      = "SANDBOXACCESSKEY0001"
	DefaultSecretKey      = "sandbox-secret-key"
	DefaultDomainID       = "sandbox0domain0id0000000000000001"
	DefaultPassword       = "sandbox"
	DefaultCompleteAfter  = 5 * time.Second
	DefaultProvisionAfter = 2 * time.Second // the command's default; Options' zero means at once
	DefaultJobAfter       = 2 * time.Second // the command's default; Options' zero means at once
)

// Options configure a Server. Zero values take the defaults, except
// ProvisionAfter and JobAfter, where zero means "at once".
type Options struct {
	Token     string
	AccessKey string
	SecretKey string
	DomainID  string
	Password  string // the IAM password accepted for any user
	// CompleteAfter is how long a paid order stays processing (3) before it
	// completes (5).
	CompleteAfter time.Duration
	// ProvisionAfter is how long after its order completes an instance
	// appears in RMS and ECS.
	ProvisionAfter time.Duration
	// JobAfter is how long an ECS job runs (INIT for its first third, then
	// RUNNING) before its sub-jobs end.
	JobAfter time.Duration
	Catalog  *catalog.Catalog
	Now      func() time.Time
	// Log, when set, gets one line per API request once it is answered.
	Log func(line string)
}

// Order statuses (BSS order_info.status) and order types the sandbox uses.
const (
	statusProcessing     = 3
	statusCancelled      = 4
	statusCompleted      = 5
	statusPendingPayment = 6

	orderNew         = 1
	orderRenewal     = 2
	orderUnsubscribe = 4
)

// BSS period types.
const (
	periodMonth = 2
	periodYear  = 3
)

// Server is the sandbox; it is an http.Handler.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu        sync.Mutex
	orders    map[string]*order
	seq       []string // order IDs in creation order
	pending   []*order // orders whose completion has not been applied
	instances map[string]*instance
	instSeq   []*instance // in creation order (the RMS listing order)
	servers   map[string]*instance
	traffic   map[string]*instance // traffic package ID -> instance
	jobs      map[string]*job
	running   []*job // jobs with sub-jobs not yet ended
	requests  []LoggedRequest
	faults    map[string][]*Fault
	nextSeq   int64
	nextIP    int
	vpc       vpcState

	tokMu  sync.Mutex
	tokens map[string]issuedToken // tokens IAM issued (not Options.Token)
}

type order struct {
	ID              string
	Type            int // orderNew, orderRenewal, orderUnsubscribe
	ClientRequestID string
	Request         *purchase.Request // orderNew
	Resources       []string          // instance IDs: bought, renewed or unsubscribed
	Region          string            // orderNew
	PeriodType      int               // periodMonth or periodYear (new and renewal)
	PeriodNum       int
	UnsubscribeType int
	Created         time.Time
	Paid            time.Time // processing since; zero while unpaid
	Cancelled       bool
	Amount          float64
	Applied         bool      // its completion has changed the state
	CompletedAt     time.Time // set when applied
	Effective       time.Time // line item window, once known
	Expire          time.Time
}

// instance is one FlexusL instance with its server, EIP, data package and
// subscription.
type instance struct {
	ID, Name, Region, ProjectID string
	OrderID                     string // the purchase order
	Spec                        string
	ImageName                   string
	ImageID                     string
	Tags                        []purchase.Tag
	Extras                      []purchase.ExtraResource
	ExtraIDs                    []string // one per Extras entry
	Seq                         int64
	Created                     time.Time // its order's completion
	VisibleAt                   time.Time // when RMS and ECS show it
	Updated                     time.Time
	Effective, Expire           time.Time
	PeriodEnds                  []time.Time // end of the bought period, then of each renewal
	PeriodType                  int
	AutoRenew                   bool
	AutoRenewTimes              int
	Deleted                     bool
	DeletedAt                   time.Time

	EIPID, PublicIP     string
	TrafficID           string
	TrafficTotal        float64 // GB per cycle
	TrafficUsed         float64
	Server              server
	PasswordResets      int
	LastPasswordResetAt time.Time
}

// server is the ECS server inside an instance.
type server struct {
	ID, Name, Description, Hostname string
	Status                          string // ACTIVE or SHUTOFF once settled
	FixedIP, MAC, PortID, NetworkID string
	Updated                         time.Time
	Groups                          []string // IDs of its security groups
	op                              *subJob  // the last sub-job acting on it, until it ends
}

// visible reports whether RMS and ECS show the instance at now.
func (in *instance) visible(now time.Time) bool {
	return !in.Deleted && !now.Before(in.VisibleAt)
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
	if o.ProvisionAfter < 0 || o.JobAfter < 0 || o.CompleteAfter < 0 {
		return nil, fmt.Errorf("sandbox: negative delay")
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
	s := &Server{opts: o}
	s.resetLocked()
	s.routes()
	return s, nil
}

// resetLocked empties the state; s.mu is held (or s is new).
func (s *Server) resetLocked() {
	s.orders, s.seq, s.pending = map[string]*order{}, nil, nil
	s.instances, s.instSeq = map[string]*instance{}, nil
	s.servers, s.traffic = map[string]*instance{}, map[string]*instance{}
	s.jobs, s.running = map[string]*job{}, nil
	s.requests, s.faults = nil, map[string][]*Fault{}
	s.nextSeq, s.nextIP = 0, 0
	s.vpc.reset()
}

// SetCompleteAfter changes how long a paid order stays processing.
func (s *Server) SetCompleteAfter(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.CompleteAfter = d
}

// SetProvisionAfter changes how long after its order completes an
// instance appears (for orders completing from now on).
func (s *Server) SetProvisionAfter(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.ProvisionAfter = d
}

// SetJobAfter changes how long ECS jobs created from now on run.
func (s *Server) SetJobAfter(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.JobAfter = d
}

// Token is the token the sandbox accepts.
func (s *Server) Token() string { return s.opts.Token }

// AccessKey is the access key of the key pair the sandbox accepts.
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

// regionOfProject finds the region whose sandbox project ID is id.
func (s *Server) regionOfProject(id string) (string, bool) {
	for _, r := range s.opts.Catalog.Regions {
		if ProjectID(r.ID) == id {
			return r.ID, true
		}
	}
	return "", false
}

// orderStatus is an order's BSS status at now; s.mu is held.
func (s *Server) orderStatus(o *order, now time.Time) int {
	switch {
	case o.Applied:
		return statusCompleted
	case o.Cancelled:
		return statusCancelled
	case o.Paid.IsZero():
		return statusPendingPayment
	case !now.Before(o.Paid.Add(s.opts.CompleteAfter)):
		return statusCompleted
	}
	return statusProcessing
}

// advance brings the state up to now: completed orders take effect and
// ended sub-jobs change their servers; s.mu is held.
func (s *Server) advance(now time.Time) {
	if len(s.pending) > 0 {
		left := s.pending[:0]
		for _, o := range s.pending {
			if o.Cancelled {
				continue
			}
			if o.Paid.IsZero() || now.Before(o.Paid.Add(s.opts.CompleteAfter)) {
				left = append(left, o)
				continue
			}
			s.complete(o, o.Paid.Add(s.opts.CompleteAfter))
		}
		clear(s.pending[len(left):])
		s.pending = left
	}
	if len(s.running) > 0 {
		left := s.running[:0]
		for _, j := range s.running {
			if now.Before(j.EndAt) {
				left = append(left, j)
				continue
			}
			s.finishJob(j)
		}
		clear(s.running[len(left):])
		s.running = left
	}
}

// complete applies a completed order at time at; s.mu is held.
func (s *Server) complete(o *order, at time.Time) {
	o.Applied, o.CompletedAt = true, at
	switch o.Type {
	case orderNew:
		visible := at.Add(s.opts.ProvisionAfter)
		months := months(o.PeriodType, o.PeriodNum)
		o.Effective, o.Expire = at, expiryAfter(at, months)
		for i, id := range o.Resources {
			name := o.Request.InstanceName
			if len(o.Resources) > 1 {
				name = fmt.Sprintf("%s-%04d", name, i+1)
			}
			s.addInstance(o, id, name, at, visible)
		}
	case orderRenewal:
		m := months(o.PeriodType, o.PeriodNum)
		for i, id := range o.Resources {
			in := s.instances[id]
			if in == nil || in.Deleted {
				continue
			}
			if i == 0 {
				o.Effective, o.Expire = in.Expire, expiryAfter(in.Expire, m)
			}
			in.Expire = expiryAfter(in.Expire, m)
			in.PeriodEnds = append(in.PeriodEnds, in.Expire)
			in.Updated = at
		}
	case orderUnsubscribe:
		o.Effective, o.Expire = at, at
		for _, id := range o.Resources {
			in := s.instances[id]
			if in == nil || in.Deleted {
				continue
			}
			if o.UnsubscribeType == 2 { // only the renewed periods not yet started
				in.Expire = currentPeriodEnd(in, at)
				in.PeriodEnds = trimPeriods(in.PeriodEnds, in.Expire)
				in.Updated = at
				continue
			}
			in.Deleted, in.DeletedAt, in.Updated = true, at, at
			delete(s.servers, in.Server.ID)
			delete(s.traffic, in.TrafficID)
		}
	}
}

// addInstance creates an instance of purchase order o; s.mu is held.
func (s *Server) addInstance(o *order, id, name string, created, visible time.Time) *instance {
	r := o.Request
	months := months(o.PeriodType, o.PeriodNum)
	in := &instance{
		ID: id, Name: name, Region: o.Region, ProjectID: ProjectID(o.Region), OrderID: o.ID,
		Spec: r.PlanSpec, Tags: r.Tags, Extras: r.ExtraResources,
		Created: created, VisibleAt: visible, Updated: visible,
		Effective: created, Expire: expiryAfter(created, months), PeriodType: o.PeriodType,
		AutoRenew: r.AutoRenew(),
		EIPID:     uuid.NewString(), TrafficID: uuid.NewString(),
	}
	in.PeriodEnds = []time.Time{in.Expire}
	if r.ImageRef != nil {
		in.ImageName = strings.TrimSpace(r.ImageRef.ImageName + " " + r.ImageRef.ImageVersion)
		in.ImageID = r.ImageRef.ImageID
	}
	if in.ImageID == "" {
		in.ImageID = uuidFrom("image/" + in.ImageName)
	}
	for range in.Extras {
		in.ExtraIDs = append(in.ExtraIDs, uuid.NewString())
	}
	spec, _ := s.opts.Catalog.Spec(r.PlanSpec)
	in.TrafficTotal = float64(spec.DataPackageGB)
	if in.TrafficTotal == 0 {
		in.TrafficTotal = 1024
	}
	s.nextSeq++
	in.Seq = s.nextSeq
	n := s.nextIP
	s.nextIP++
	in.PublicIP = publicIP(n)
	in.Server = server{
		ID: uuid.NewString(), Name: name, Hostname: hostname(name), Status: "ACTIVE",
		FixedIP: fmt.Sprintf("192.168.%d.%d", n/250%256, n%250+2), MAC: mac(n),
		PortID: uuid.NewString(), NetworkID: uuidFrom("network/" + o.Region), Updated: visible,
		// Every L instance of a region is put in its sg-default-smb,
		// made for the first one (FL-sg).
		Groups: []string{s.defaultGroup(o.Region, created).ID},
	}
	s.instances[id] = in
	s.instSeq = append(s.instSeq, in)
	s.servers[in.Server.ID] = in
	s.traffic[in.TrafficID] = in
	return in
}

// publicIP is the n-th EIP address: 203.0.113.0/24 first (the issue's
// documentation range), then the other documentation ranges
// 198.51.100.0/24 and 192.0.2.0/24, then the benchmarking range
// 198.18.0.0/15, so that thousands of instances get unique addresses.
func publicIP(n int) string {
	ranges := []struct {
		base [4]int
		size int
	}{
		{[4]int{203, 0, 113, 0}, 254},
		{[4]int{198, 51, 100, 0}, 254},
		{[4]int{192, 0, 2, 0}, 254},
	}
	for _, r := range ranges {
		if n < r.size {
			return fmt.Sprintf("%d.%d.%d.%d", r.base[0], r.base[1], r.base[2], n+1)
		}
		n -= r.size
	}
	// 198.18.0.0/15: skip .0 and .255 of every /24.
	block, host := n/254, n%254+1
	return fmt.Sprintf("198.%d.%d.%d", 18+block/256%2, block%256, host)
}

func mac(n int) string {
	return fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", n>>16&0xff, n>>8&0xff, n&0xff)
}

// hostname derives a valid hostname from a server name.
func hostname(name string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	h := strings.Trim(b.String(), "-")
	for strings.Contains(h, "--") {
		h = strings.ReplaceAll(h, "--", "-")
	}
	if h == "" {
		h = "flexusl"
	}
	if len(h) > 64 {
		h = strings.TrimRight(h[:64], "-")
	}
	return h
}

// months is the length of a period in months.
func months(periodType, n int) int {
	if periodType == periodYear {
		return 12 * n
	}
	return n
}

// chinaTime is UTC+8: BSS ends subscriptions at 23:59:59 there
// (15:59:59Z, as the documented example's expire_time shows).
var chinaTime = time.FixedZone("UTC+8", 8*3600)

// expiryAfter is the end (23:59:59 UTC+8) of the day m months after t.
func expiryAfter(t time.Time, m int) time.Time {
	d := t.In(chinaTime).AddDate(0, m, 0)
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, chinaTime).UTC()
}

// currentPeriodEnd is the end of the period running at t (the bought one
// or a renewal already started).
func currentPeriodEnd(in *instance, t time.Time) time.Time {
	for _, e := range in.PeriodEnds {
		if !e.Before(t) {
			return e
		}
	}
	return in.Expire
}

func trimPeriods(ends []time.Time, last time.Time) []time.Time {
	out := ends[:0]
	for _, e := range ends {
		if !e.After(last) {
			out = append(out, e)
		}
	}
	return out
}

// hasRenewalToCancel reports whether an instance has a renewed period that
// has not started at t.
func hasRenewalToCancel(in *instance, t time.Time) bool {
	return currentPeriodEnd(in, t).Before(in.Expire)
}

// monthly is a made-up, deterministic monthly price (USD) of a spec with
// its extras.
func (s *Server) monthly(specCode string, extras []purchase.ExtraResource) float64 {
	spec, _ := s.opts.Catalog.Spec(specCode)
	m := 3 + 2.5*spec.MemoryGiB + float64(spec.VCPUs)
	for _, e := range extras {
		if e.Size != nil {
			m += 0.05 * float64(*e.Size)
		} else {
			m += 2
		}
	}
	return m
}

// price is what n instances cost for a period; a year costs ten months.
func price(monthly float64, periodType, periodNum, n int) float64 {
	m := periodNum
	if periodType == periodYear {
		m *= 10
	}
	return math.Round(monthly*float64(m*n)*100) / 100
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

// addOrder records a new order; s.mu is held.
func (s *Server) addOrder(o *order) {
	o.ID = s.newOrderID()
	s.orders[o.ID] = o
	s.seq = append(s.seq, o.ID)
	s.pending = append(s.pending, o)
}

// unpaidOrderOf finds an order waiting for payment that holds instance
// id; s.mu is held.
func (s *Server) unpaidOrderOf(id string, now time.Time) *order {
	for _, o := range s.pending {
		if s.orderStatus(o, now) == statusPendingPayment && contains(o.Resources, id) {
			return o
		}
	}
	return nil
}

// openOrderOf finds a paid order not yet completed that holds instance id;
// s.mu is held.
func (s *Server) openOrderOf(id string, now time.Time, typ int) *order {
	for _, o := range s.pending {
		if o.Type == typ && s.orderStatus(o, now) == statusProcessing && contains(o.Resources, id) {
			return o
		}
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// uuidFrom is a stable UUID-shaped ID derived from a name.
func uuidFrom(name string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("flexusl-sandbox/"+name)).String()
}

// Time layouts of the services.
const (
	layoutSeconds = "2006-01-02T15:04:05Z"        // BSS, RMS, ECS servers
	layoutMillis  = "2006-01-02T15:04:05.000Z"    // ECS jobs
	layoutMicros  = "2006-01-02T15:04:05.000000Z" // IAM tokens
)

func fmtTime(t time.Time, layout string) string { return t.UTC().Format(layout) }
