package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/redact"
	"github.com/flexusl/flexusl/pkg/service"
)

// Service names an API service; each has its own endpoint. The services,
// their endpoint settings and their operations are one table:
// pkg/service.
type Service = service.ID

// Services.
const (
	HCSS = service.HCSS // FlexusL purchases: one gateway, region in the body
	BSS  = service.BSS  // billing: orders, renewals, payments (global)
	IAM  = service.IAM  // tokens and projects
	RMS  = service.RMS  // Config: resource listing (global)
	ECS  = service.ECS  // the server inside an instance (per region)
	VPC  = service.VPC  // security groups: the instance's firewall (per region)
)

// Policy says when a call that failed may be sent again.
type Policy int

// Policies.
const (
	// Idempotent calls (reads) are retried on 429, 5xx and network errors.
	Idempotent Policy = iota
	// AtMostOnce calls (anything that places, pays, renews or cancels an
	// order, or changes a server) are retried only when the server provably
	// did not take them: HTTP 429, or no connection was made. Every try
	// carries the same Client-Request-Id. Any other failure after the
	// request may have left is an *UnknownOutcomeError.
	AtMostOnce
)

// Op is one API call. Path may hold "{project_id}" and "{domain_id}": Do
// fills them (from the Op, the configuration or IAM). Body is exactly the
// bytes sent.
type Op struct {
	Name string // what flexusl is doing, for errors: "stop servers"
	// Call is the operation of the service table (pkg/service): its
	// service (the endpoint), its method and the permission it needs.
	Call      service.Op
	Path      string     // escaped path after the endpoint
	Query     url.Values // encoded in key order
	Body      []byte     // nil: no body
	Scope     auth.Scope
	Region    string // the region acted in: ECS endpoint, project ID, token scope
	ProjectID string // known project ID of Region (e.g. from RMS); "" looks it up when needed
	// RequestID is sent as Client-Request-Id; AtMostOnce calls must set it
	// (and journal it) before sending.
	RequestID string
	// SensitiveBody hides the body from --debug (it holds a password).
	SensitiveBody bool
	// Secrets are values (a new password) that must never appear in an
	// error or the --debug dump, even when a server echoes them back.
	Secrets []string
	// Header holds extra headers (X-Language, ...).
	Header http.Header
}

// Response is a successful answer.
type Response struct {
	Status    int
	Header    http.Header
	Body      []byte
	RequestID string // X-Request-Id, or the body's request_id
}

// Prepared is a request as it will be sent, without credentials: what
// --dry-run shows.
type Prepared struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
	op     *Op
	target auth.Target
}

// Op returns the call this request was prepared from.
func (p *Prepared) Op() *Op { return p.op }

func (c *Client) endpoint(op *Op) (string, error) {
	if op.Call.Method() == "" {
		return "", fmt.Errorf("%s: not an operation of the service table", op.Name)
	}
	e := c.Endpoints[op.Call.Service()]
	if e == "" {
		return "", fmt.Errorf("%s: no endpoint configured for this service", op.Name)
	}
	if strings.Contains(e, "{region}") {
		if op.Region == "" {
			return "", fmt.Errorf("%s: the endpoint %s needs a region", op.Name, e)
		}
		if !ValidRegion(op.Region) {
			// The region may come from a server (RMS's region_id): it must
			// not be able to choose the host credentials go to.
			return "", exitcode.Errorf(exitcode.Usage, "%s: %q is not a region name (letters, digits and '-'; nothing was sent)", op.Name, capText(op.Region))
		}
		e = strings.ReplaceAll(e, "{region}", op.Region)
	}
	return strings.TrimRight(e, "/"), nil
}

// Prepare builds op's request without sending it and without looking
// anything up: placeholders stay as they are. For --dry-run.
func (c *Client) Prepare(op *Op) (*Prepared, error) {
	base, err := c.endpoint(op)
	if err != nil {
		return nil, err
	}
	u := base + op.Path
	if len(op.Query) > 0 {
		u += "?" + op.Query.Encode()
	}
	h := http.Header{}
	for k, v := range op.Header {
		h[k] = append([]string(nil), v...)
	}
	if op.Body != nil {
		h.Set("Content-Type", "application/json")
	}
	h.Set("User-Agent", c.UserAgent)
	if op.RequestID != "" {
		h.Set("Client-Request-Id", op.RequestID)
	}
	return &Prepared{Method: op.Call.Method(), URL: u, Header: h, Body: op.Body, op: op,
		target: auth.Target{Scope: op.Scope, Region: op.Region, ProjectID: op.ProjectID}}, nil
}

// resolve fills the scope IDs the call needs: in its path, or in headers
// when the credentials send them (AK/SK).
func (c *Client) resolve(ctx context.Context, p *Prepared) error {
	sends := c.Auth != nil && c.Auth.SendsScopeIDs()
	if strings.Contains(p.URL, "{project_id}") || (sends && p.target.Scope == auth.ScopeProject) {
		if p.target.ProjectID == "" {
			id, err := c.projectID(ctx, p.target.Region)
			if err != nil {
				return fmt.Errorf("%s: the project ID of %s: %w", p.op.Name, p.target.Region, err)
			}
			p.target.ProjectID = id
		}
		if !ValidID(p.target.ProjectID) {
			// It may come from a server (RMS's project_id, IAM's list):
			// ".." or "a/b" would change the path, a control character
			// the headers.
			return exitcode.Errorf(exitcode.Failure, "%s: the project ID of %s is not an ID (%s; %d bytes, not shown): nothing was sent", p.op.Name, p.target.Region, IDRule, len(p.target.ProjectID))
		}
		p.URL = strings.ReplaceAll(p.URL, "{project_id}", url.PathEscape(p.target.ProjectID))
	}
	if strings.Contains(p.URL, "{domain_id}") || (sends && p.target.Scope == auth.ScopeDomain) {
		id, err := c.domain(ctx)
		if err != nil {
			return fmt.Errorf("%s: the account (domain) ID: %w", p.op.Name, err)
		}
		if !ValidID(id) {
			return exitcode.Errorf(exitcode.Failure, "%s: the account (domain) ID is not an ID (%s; %d bytes, not shown): nothing was sent", p.op.Name, IDRule, len(id))
		}
		p.target.DomainID = id
		p.URL = strings.ReplaceAll(p.URL, "{domain_id}", url.PathEscape(id))
	}
	return nil
}

// projectID is the project of region: configured, looked up this run, or
// looked up now through IAM.
func (c *Client) projectID(ctx context.Context, region string) (string, error) {
	if c.ProjectID != "" && (c.ProjectRegion == "" || c.ProjectRegion == region) {
		return c.ProjectID, nil
	}
	if region == "" {
		return "", errors.New("no region given; pass --region (or set project_id)")
	}
	ids := c.cache()
	ids.mu.Lock()
	id, ok := ids.projects[region]
	ids.mu.Unlock()
	if ok {
		return id, nil
	}
	id, err := c.LookupProjectID(ctx, region)
	if err != nil {
		return "", err
	}
	ids.mu.Lock()
	if ids.projects == nil {
		ids.projects = map[string]string{}
	}
	ids.projects[region] = id
	ids.mu.Unlock()
	return id, nil
}

func (c *Client) domain(ctx context.Context) (string, error) {
	if c.DomainID != "" {
		return c.DomainID, nil
	}
	ids := c.cache()
	ids.mu.Lock()
	id := ids.domainID
	ids.mu.Unlock()
	if id != "" {
		return id, nil
	}
	id, err := c.LookupDomainID(ctx)
	if err != nil {
		return "", err
	}
	ids.mu.Lock()
	ids.domainID = id
	ids.mu.Unlock()
	return id, nil
}

// Do sends op under policy and returns the 2xx answer. Failures are:
// *Error (the service refused: 4xx, or 5xx of an Idempotent call),
// *TransientError (an Idempotent call that kept failing on 429, 5xx or the
// network), *NotSentError (the request provably never reached the
// service), *UnknownOutcomeError (an AtMostOnce call that may have been
// taken), *RedirectError (a 3xx; not followed), or a plain error before
// sending (bad op, credentials refused the target).
func (c *Client) Do(ctx context.Context, op *Op, policy Policy) (*Response, error) {
	p, err := c.Prepare(op)
	if err != nil {
		return nil, err
	}
	return c.DoPrepared(ctx, p, policy)
}

// DoPrepared is Do for a request prepared earlier (shown in a confirmation
// or a dry run, then sent as it was).
func (c *Client) DoPrepared(ctx context.Context, p *Prepared, policy Policy) (*Response, error) {
	op := p.op
	if policy == AtMostOnce && op.RequestID == "" {
		return nil, fmt.Errorf("%s: an at-most-once call needs a request ID (nothing was sent)", op.Name)
	}
	pp := *p
	pp.Header = p.Header.Clone()
	if err := c.resolve(ctx, &pp); err != nil {
		return nil, err
	}
	if op.SensitiveBody || len(op.Secrets) > 0 {
		ctx = withSensitiveBody(ctx, op.Secrets)
	}
	unknown := func(cause error) error {
		return &UnknownOutcomeError{Op: op.Name, RequestID: op.RequestID, Cause: cause}
	}
	for try := 0; ; try++ {
		a := c.send(ctx, &pp)
		if len(op.Secrets) > 0 {
			a.redact(op.Secrets) // before any of it can reach an error, a table or the journal
		}
		var ae *authError
		if errors.As(a.err, &ae) {
			return nil, ae.err
		}
		if a.resp == nil && a.err != nil { // no answer
			switch {
			case !a.connected && ctx.Err() != nil:
				return nil, &NotSentError{Op: op.Name, URL: pp.URL, Cause: ctx.Err()}
			case ctx.Err() != nil && policy == AtMostOnce:
				return nil, unknown(fmt.Errorf("%w while waiting for the answer", errInterrupted))
			case ctx.Err() != nil:
				return nil, fmt.Errorf("%s: %w", op.Name, ctx.Err())
			case a.connected && policy == AtMostOnce:
				return nil, unknown(a.err)
			case try < c.MaxRetries:
				d := backoff(try, nil)
				what := "nothing was sent"
				if a.connected {
					what = "the request may not have arrived"
				}
				c.notify("%s: %v; %s; retry %d/%d in %s%s", op.Name, a.err, what, try+1, c.MaxRetries, round(d), sameID(policy))
				if err := c.sleep(ctx, d); err != nil {
					if !a.connected {
						return nil, &NotSentError{Op: op.Name, URL: pp.URL, Cause: err}
					}
					return nil, fmt.Errorf("%s: %w", op.Name, err)
				}
				continue
			case !a.connected:
				return nil, &NotSentError{Op: op.Name, URL: pp.URL, Cause: a.err}
			default:
				return nil, &TransientError{Op: op.Name, Cause: fmt.Errorf("%s: %w", op.Name, a.err)}
			}
		}
		status := a.resp.StatusCode
		if a.err != nil { // an answer came, but could not be read whole
			if policy == AtMostOnce {
				return nil, unknown(fmt.Errorf("HTTP %d with an unreadable answer: %w", status, a.err))
			}
			return nil, &TransientError{Op: op.Name, Cause: fmt.Errorf("%s: HTTP %d: %w", op.Name, status, a.err)}
		}
		switch {
		case status >= 200 && status < 300:
			return &Response{Status: status, Header: a.resp.Header, Body: a.body, RequestID: requestID(a.resp.Header, a.body)}, nil
		case status >= 300 && status < 400:
			re := &RedirectError{Op: op.Name, StatusCode: status, Location: a.resp.Header.Get("Location")}
			if policy == AtMostOnce {
				return nil, unknown(re)
			}
			return nil, re
		case status == http.StatusTooManyRequests && try < c.MaxRetries:
			d := backoff(try, a.resp)
			if policy == AtMostOnce {
				c.notify("%s: rate limited (HTTP 429): the service did not take it; retry %d/%d in %s%s", op.Name, try+1, c.MaxRetries, round(d), sameID(policy))
			} else {
				c.notify("%s: HTTP 429; retry %d/%d in %s", op.Name, try+1, c.MaxRetries, round(d))
			}
			if err := c.sleep(ctx, d); err != nil {
				return nil, &NotSentError{Op: op.Name, URL: pp.URL, Cause: errors.Join(errInterrupted, err), Answered: true}
			}
		case status >= 500 && policy == AtMostOnce:
			return nil, unknown(opError(op, status, a.resp.Header, a.body))
		case status >= 500 && try < c.MaxRetries:
			d := backoff(try, a.resp)
			c.notify("%s: HTTP %d; retry %d/%d in %s", op.Name, status, try+1, c.MaxRetries, round(d))
			if err := c.sleep(ctx, d); err != nil {
				return nil, fmt.Errorf("%s: %w", op.Name, err)
			}
		case status >= 500 || status == http.StatusTooManyRequests:
			return nil, &TransientError{Op: op.Name, Cause: opError(op, status, a.resp.Header, a.body)}
		default:
			return nil, opError(op, status, a.resp.Header, a.body)
		}
	}
}

// opError is the service's error answer to op, naming op's operation.
func opError(op *Op, status int, h http.Header, body []byte) *Error {
	e := decodeError(op.Name, status, h, body)
	e.Call = op.Call
	return e
}

func sameID(p Policy) string {
	if p == AtMostOnce {
		return " with the same Client-Request-Id"
	}
	return ""
}

// DoJSON is Do that decodes the answer into out (when out is not nil).
// An answer that cannot be read is an *UnknownOutcomeError for an
// AtMostOnce call (it was taken, but what it did is not known) and a
// *TransientError for a read.
func (c *Client) DoJSON(ctx context.Context, op *Op, policy Policy, out any) (*Response, error) {
	resp, err := c.Do(ctx, op, policy)
	if err != nil {
		return nil, err
	}
	return resp, c.decodeAnswer(op, policy, resp, out)
}

func (c *Client) decodeAnswer(op *Op, policy Policy, resp *Response, out any) error {
	if out == nil {
		return nil
	}
	if err := DecodeJSON(resp.Body, out); err != nil {
		err = fmt.Errorf("HTTP %d with an unreadable answer: %w", resp.Status, err)
		if policy == AtMostOnce {
			return &UnknownOutcomeError{Op: op.Name, RequestID: op.RequestID, Cause: err}
		}
		return &TransientError{Op: op.Name, Cause: fmt.Errorf("%s: %w", op.Name, err)}
	}
	return nil
}

// DecodeJSON decodes a service's answer: valid UTF-8, one JSON value.
// Unknown fields are allowed (services add fields).
func DecodeJSON(body []byte, out any) error {
	if !utf8.Valid(body) {
		return errors.New("the answer is not valid UTF-8")
	}
	if err := json.Unmarshal(body, out); err != nil {
		return err
	}
	return nil
}

// requestID is the ID the service logged: X-Request-Id, else the body's
// request_id.
func requestID(h http.Header, body []byte) string {
	if id := h.Get("X-Request-Id"); id != "" {
		return id
	}
	var b struct {
		RequestID string `json:"request_id"`
	}
	if json.Unmarshal(body, &b) == nil {
		return b.RequestID
	}
	return ""
}

// ValidRegion reports whether s can be a region name in a host name:
// 1-32 lower-case letters, digits and '-', not starting or ending with '-'.
func ValidRegion(s string) bool {
	if s == "" || len(s) > 32 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// ValidID reports whether an ID a server gave (order, job, instance,
// server) is safe to reuse in a URL path or a command flexusl suggests:
// 1-64 letters, digits, '-' and '_'.
func ValidID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// redact replaces every secret a server echoed (in any encoding: see
// package redact) in the answer's body, headers and transport error.
//
// A 2xx answer will be decoded: only its JSON string values are redacted,
// so that it keeps its shape. Any other answer is only ever shown (in an
// error): all of it is.
func (a *attempt) redact(secrets []string) {
	if a.resp != nil && a.resp.StatusCode >= 200 && a.resp.StatusCode < 300 {
		a.body = redact.JSON(a.body, secrets)
	} else {
		a.body = redact.Bytes(a.body, secrets)
	}
	if a.resp != nil {
		a.resp.Header = redactHeader(a.resp.Header, secrets)
	}
	if a.err != nil && redact.Contains(a.err.Error(), secrets) {
		a.err = &redactedError{err: a.err, secrets: secrets}
	}
}

// redactHeader is a copy of h with the secrets in its values redacted,
// but for the headers that carry a credential issued to flexusl
// (X-Subject-Token: the token IAM issues): those are data kept as they
// are (a token that happens to contain the password must not be stored
// corrupted), and they are never shown (the debug dump redacts them whole).
func redactHeader(h http.Header, secrets []string) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		if issuedCredential[http.CanonicalHeaderKey(k)] {
			out[k] = vs
			continue
		}
		name := redact.String(k, secrets)
		for _, v := range vs {
			out[name] = append(out[name], redact.String(v, secrets))
		}
	}
	return out
}

// issuedCredential are the answer headers that carry a credential issued
// to flexusl.
var issuedCredential = map[string]bool{"X-Subject-Token": true}

// redactedError is a transport error (which may quote what a server sent)
// with the secrets redacted from its text.
type redactedError struct {
	err     error
	secrets []string
}

func (e *redactedError) Error() string { return redact.String(e.err.Error(), e.secrets) }

// Unwrap keeps errors.Is working (a timeout stays a timeout).
func (e *redactedError) Unwrap() error { return e.err }

// Int reads a JSON number or a numeric string (sources disagree on some
// fields' types).
type Int int

// UnmarshalJSON accepts 4 and "4".
func (n *Int) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*n = 0
		return nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("%s is not a whole number", b)
	}
	*n = Int(v)
	return nil
}
