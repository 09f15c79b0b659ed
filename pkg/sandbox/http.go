package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/flexusl/flexusl/pkg/service"
	"github.com/flexusl/flexusl/pkg/signer"
)

// svcID is a route's service (pkg/service): it decides the error shape.
type svcID = service.ID

const (
	svcHCSS = service.HCSS // {"error_code","error_msg","request_id"}
	svcBSS  = service.BSS  // {"error_code","error_msg"}
	svcRMS  = service.RMS  // {"error_code","error_msg","request_id"} (Huawei's common shape; a guess)
	svcECS  = service.ECS  // {"error":{"code","message"}}
	svcIAM  = service.IAM  // {"error":{"code","message","title"}}, code the HTTP status
	svcVPC  = service.VPC  // v3: {"request_id","error_code","error_msg"}
)

// Credential scopes a route checks for AK/SK requests.
type scope int

const (
	scopeNone    scope = iota // IAM look-ups: any valid credential
	scopeProject              // X-Project-Id required (ECS: equal to the path's project)
	scopeDomain               // X-Domain-Id must be the sandbox's
	scopeOpen                 // no credentials (IAM token request)
)

// call is one API request being answered.
type call struct {
	s     *Server
	w     http.ResponseWriter
	r     *http.Request
	body  []byte
	id    string // the request ID: X-Request-Id and every request_id of the answer
	svc   svcID
	fault *Fault // a queued fault the handler applies itself (job_fail, insufficient_balance)
	now   time.Time
}

// ServeHTTP serves the API and the control API. A method and path no route
// serves is logged and answered 404 APIGW.0101 in the gateway's shape.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.mux.Handler(r); pattern == "" {
		s.serveAPI(w, r, apiRoute{name: RouteUnknown, svc: svcHCSS, scope: scopeOpen, handle: func(_ *Server, c *call) {
			c.gatewayError(http.StatusNotFound, "APIGW.0101", fmt.Sprintf("The API does not exist or has not been published in the environment: %s %s", r.Method, r.URL.Path))
		}})
		return
	}
	s.mux.ServeHTTP(w, r)
}

// statusWriter logs the answer's status before the answer leaves, so that
// a client never sees an answer the request log does not show yet.
type statusWriter struct {
	http.ResponseWriter
	s        *Server
	idx      int
	answered bool
}

func (w *statusWriter) WriteHeader(c int) {
	if !w.answered {
		w.answered = true
		w.s.logAnswer(w.idx, c)
	}
	w.ResponseWriter.WriteHeader(c)
}

// serveAPI reads the body, logs the request, applies a queued fault,
// authenticates and runs h.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, rt apiRoute) {
	name, svc, sc := rt.name, rt.svc, rt.scope
	h := func(c *call) { rt.handle(s, c) }
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	c := &call{s: s, r: r, body: body, id: newRequestID(), svc: svc, now: s.opts.Now()}
	sw := &statusWriter{ResponseWriter: w, s: s, idx: s.logRequest(c, name)}
	c.w = sw
	defer func() {
		if !sw.answered { // dropped, or the client went away
			sw.answered = true
			s.logAnswer(sw.idx, 0)
		}
	}()
	if f := s.takeFault(name); f != nil {
		switch f.Kind {
		case FaultRateLimit:
			c.gatewayError(http.StatusTooManyRequests, "APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit,limit:200,time:5 minute")
			return
		case FaultServer:
			c.serverError()
			return
		case FaultForbidden:
			c.forbidden(rt.opFor(body))
			return
		case FaultSoldOut:
			c.fail(http.StatusBadRequest, "HCSS.14000010", "Insufficient specifications.")
			return
		case FaultQuota:
			c.fail(http.StatusBadRequest, "HCSS.14000011", "Insufficient quota.")
			return
		case FaultLatency:
			select {
			case <-time.After(time.Duration(f.LatencyMS) * time.Millisecond):
			case <-r.Context().Done():
				return
			}
			c.now = s.opts.Now()
		case FaultDrop:
			// The server does the work, then the answer is lost: the
			// case a client must never "fix" by sending again.
			c.w = &discardWriter{header: http.Header{}}
			if s.authenticate(c, sc) {
				h(c)
			}
			sw.answered = true
			s.logAnswer(sw.idx, 0)
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
				}
			}
			return
		default: // job_fail, insufficient_balance: the handler applies them
			c.fault = f
		}
	}
	if !s.authenticate(c, sc) {
		return
	}
	h(c)
}

type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

func newRequestID() string { return randomHex(16) }

// json answers v with the call's request ID in X-Request-Id.
func (c *call) json(status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		fmt.Fprintf(&buf, "{\"error_code\":\"SANDBOX.0500\",\"error_msg\":%q}\n", err.Error())
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("X-Request-Id", c.id)
	c.w.WriteHeader(status)
	c.w.Write(buf.Bytes())
}

// noContent answers 204 with the request ID.
func (c *call) noContent() {
	c.w.Header().Set("X-Request-Id", c.id)
	c.w.WriteHeader(http.StatusNoContent)
}

// Error bodies, one type per documented shape (testdata/wire/*/error.json).
type (
	commonError struct {
		ErrorCode string `json:"error_code"`
		ErrorMsg  string `json:"error_msg"`
		RequestID string `json:"request_id"`
	}
	bssError struct {
		ErrorCode string `json:"error_code"`
		ErrorMsg  string `json:"error_msg"`
	}
	ecsErrorBody struct {
		Code    string           `json:"code"`
		Message string           `json:"message"`
		Details []ecsErrorDetail `json:"details,omitempty"`
	}
	ecsErrorDetail struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	ecsError struct {
		Error ecsErrorBody `json:"error"`
	}
	iamError struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Title   string `json:"title"`
		} `json:"error"`
	}
)

// fail answers an error in the route's service's documented shape. IAM
// errors carry the HTTP status as their code; the code argument is then
// only logged in the message's place when msg is empty.
func (c *call) fail(status int, code, msg string) {
	switch c.svc {
	case svcBSS:
		c.json(status, bssError{code, msg})
	case svcECS:
		c.json(status, ecsError{ecsErrorBody{Code: code, Message: msg}})
	case svcIAM:
		var e iamError
		e.Error.Code, e.Error.Message, e.Error.Title = status, msg, http.StatusText(status)
		c.json(status, e)
	default:
		c.json(status, commonError{code, msg, c.id})
	}
}

// gatewayError answers as the API gateway in front of every service does
// (401 credentials, 429 throttling, 404 unknown API); IAM answers its own
// authentication errors.
func (c *call) gatewayError(status int, code, msg string) {
	if c.svc == svcIAM && status == http.StatusUnauthorized {
		c.fail(status, code, msg)
		return
	}
	c.json(status, commonError{code, msg, c.id})
}

// serverError is the 500 fault in the service's shape.
func (c *call) serverError() {
	code := map[svcID]string{svcHCSS: "HCSS.15000001", svcBSS: "CBC.0999", svcRMS: "RMS.00010005", svcECS: "Ecs.0000", svcVPC: vpcFailed}[c.svc]
	c.fail(http.StatusInternalServerError, code, "Server exception.")
}

// forbidden answers 403 as a service does when the caller's IAM policy
// lacks the permission of the route's operation (the service table's). The
// BSS code is documented (CBC.0151); the others, and the message, are
// guesses.
func (c *call) forbidden(op service.Op) {
	code := map[svcID]string{svcHCSS: "HCSS.14030001", svcBSS: "CBC.0151", svcRMS: "RMS.00010002", svcECS: "Ecs.0003", svcIAM: "403"}[c.svc]
	perm := op.Get().Permission
	if perm == "" {
		perm = "this action"
	}
	c.fail(http.StatusForbidden, code, "Policy doesn't allow "+perm+" to be performed.")
}

var secretHeaders = map[string]bool{"X-Auth-Token": true, "Authorization": true, "X-Security-Token": true, "X-Subject-Token": true}

func (s *Server) logRequest(c *call, route string) int {
	h := map[string][]string{}
	for k, v := range c.r.Header {
		if secretHeaders[http.CanonicalHeaderKey(k)] {
			v = []string{"REDACTED"}
		}
		h[k] = v
	}
	b := string(c.body)
	switch {
	case route == RouteECSPassword:
		b = "[redacted: a password reset body]"
	case route == RouteIAM && c.r.Method == http.MethodPost:
		b = "[redacted: holds a password or a token]"
	case strings.Contains(strings.ToLower(b), "password"): // a password sent to the wrong route
		b = "[redacted: may hold a password]"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, LoggedRequest{Time: c.now.UTC(), Route: route, Method: c.r.Method, Path: c.r.URL.Path,
		Query: c.r.URL.RawQuery, Header: h, Body: b, RequestID: c.id})
	return len(s.requests) - 1
}

func (s *Server) logAnswer(i, status int) {
	s.mu.Lock()
	var line string
	if i < len(s.requests) {
		lr := &s.requests[i]
		lr.Status = status
		if s.opts.Log != nil {
			uri := lr.Path
			if lr.Query != "" {
				uri += "?" + lr.Query
			}
			st := fmt.Sprint(status)
			if status == 0 {
				st = "dropped"
			}
			line = fmt.Sprintf("%s %s %s %s %s %s", lr.Time.Format(time.RFC3339), lr.Method, uri, st, lr.Route, lr.RequestID)
		}
	}
	log := s.opts.Log
	s.mu.Unlock()
	if log != nil && line != "" {
		log(line)
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

// authenticate accepts the sandbox token, a token its IAM issued for the
// call's scope (checkToken) or a valid AK/SK signature; for
// AK/SK, project-scoped calls need X-Project-Id and global calls need the
// sandbox's X-Domain-Id.
func (s *Server) authenticate(c *call, sc scope) bool {
	if sc == scopeOpen {
		return true
	}
	r := c.r
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		return s.checkToken(c, tok, sc)
	}
	if r.Header.Get("Authorization") == "" {
		c.gatewayError(http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: no X-Auth-Token or Authorization header")
		return false
	}
	lookup := func(ak string) (string, bool) { return s.opts.SecretKey, ak == s.opts.AccessKey }
	if _, err := signer.Verify(r, c.body, lookup, c.now, 15*time.Minute); err != nil {
		c.gatewayError(http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: "+err.Error())
		return false
	}
	switch sc {
	case scopeProject:
		if r.Header.Get("X-Project-Id") == "" {
			c.gatewayError(http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: X-Project-Id is required for AK/SK")
			return false
		}
	case scopeDomain:
		if r.Header.Get("X-Domain-Id") != s.opts.DomainID {
			c.gatewayError(http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: X-Domain-Id is missing or not this account's")
			return false
		}
	}
	return true
}

// decodeStrict decodes a JSON object body into v, refusing unknown keys,
// wrong types and trailing data; the error names the field.
func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("the request body is empty: a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &te):
			if te.Field == "" {
				return fmt.Errorf("the body must be a JSON object, not %s", te.Value)
			}
			t := te.Type
			for t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			return fmt.Errorf("%s must be %s, not %s", te.Field, jsonTypeName(t.Kind()), te.Value)
		case errors.As(err, &se):
			return fmt.Errorf("the body is not valid JSON: %v", err)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return fmt.Errorf("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return fmt.Errorf("the body is not valid JSON: %v", err)
	}
	if dec.More() {
		return errors.New("the body holds data after its JSON object")
	}
	return nil
}

func jsonTypeName(k reflect.Kind) string {
	switch k {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "an array"
	}
	return "an object"
}
