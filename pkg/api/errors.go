package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/service"
)

// Error is an error answer from a Huawei Cloud API.
type Error struct {
	Op         string     // what flexusl was doing, e.g. "create instances"
	Call       service.Op // the operation (pkg/service): the permission a 403 means
	StatusCode int
	Code       string // HCSS.14000001, APIGW.0301, Ecs.0114, CBC.0100, ...
	Message    string
	Title      string   // IAM's error title
	Details    []string // ECS details / internalError entries, as "code: message"
	// Servers are the per-server failures of an ECS batch answer
	// (internalError): server ID -> "code message".
	Servers   map[string]string
	RequestID string // the ID the service logged (X-Request-Id or the body's request_id)
	Body      string // the raw body (capped) when it was not in a known shape
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d", e.Op, e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	switch {
	case e.Message != "":
		fmt.Fprintf(&b, ": %s", e.Message)
	case e.Title != "":
		fmt.Fprintf(&b, ": %s", e.Title)
	case e.Body != "":
		fmt.Fprintf(&b, ": %s", e.Body)
	}
	for _, d := range e.Details {
		fmt.Fprintf(&b, "; %s", d)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request_id %s)", e.RequestID)
	}
	return b.String()
}

// ExitCode is 3 for authentication and permission errors, else 1.
func (e *Error) ExitCode() int {
	if e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden {
		return exitcode.Auth
	}
	return exitcode.Failure
}

// maxErrorText caps what is kept of a server's error text.
const maxErrorText = 512

func capText(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > maxErrorText {
		cut := maxErrorText
		for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

// decodeError reads Huawei's error shapes: flat {"error_code","error_msg"}
// (HCSS, BSS, API gateway), nested {"error":{"code","message"}} (ECS, with
// "details" and ECS batch "internalError"), and IAM's
// {"error":{"code","message","title"}}; else the raw body. The request ID
// comes from the body, else the X-Request-Id header.
func decodeError(op string, status int, h http.Header, body []byte) *Error {
	e := &Error{Op: op, StatusCode: status}
	var flat struct {
		ErrorCode string `json:"error_code"`
		ErrorMsg  string `json:"error_msg"`
		RequestID string `json:"request_id"`
	}
	var nested struct {
		Error struct {
			Code    json.RawMessage `json:"code"` // IAM sends a number, ECS a string
			Message string          `json:"message"`
			Title   string          `json:"title"`
			Details []struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"details"`
		} `json:"error"`
		InternalError []struct {
			ID           string `json:"id"`
			ErrorCode    string `json:"error_code"`
			ErrorMessage string `json:"error_message"`
		} `json:"internalError"`
		RequestID string `json:"request_id"`
	}
	switch {
	case json.Unmarshal(body, &flat) == nil && (flat.ErrorCode != "" || flat.ErrorMsg != ""):
		e.Code, e.Message, e.RequestID = capText(flat.ErrorCode), capText(flat.ErrorMsg), capText(flat.RequestID)
	case json.Unmarshal(body, &nested) == nil && (len(nested.Error.Code) > 0 || nested.Error.Message != "" || nested.Error.Title != ""):
		code := strings.Trim(string(nested.Error.Code), `"`)
		if code == "null" {
			code = ""
		}
		e.Code, e.Message, e.Title, e.RequestID = capText(code), capText(nested.Error.Message), capText(nested.Error.Title), capText(nested.RequestID)
		for i, d := range nested.Error.Details {
			if i == 10 {
				e.Details = append(e.Details, fmt.Sprintf("(%d more)", len(nested.Error.Details)-i))
				break
			}
			e.Details = append(e.Details, capText(d.Code+": "+d.Message))
		}
		for i, d := range nested.InternalError {
			if i == 10 {
				e.Details = append(e.Details, fmt.Sprintf("(%d more)", len(nested.InternalError)-i))
				break
			}
			e.Details = append(e.Details, capText(d.ID+": "+d.ErrorCode+" "+d.ErrorMessage))
		}
		for _, d := range nested.InternalError {
			if d.ID == "" {
				continue
			}
			if e.Servers == nil {
				e.Servers = map[string]string{}
			}
			e.Servers[capText(d.ID)] = capText(strings.TrimSpace(d.ErrorCode + " " + d.ErrorMessage))
		}
	default:
		raw := capText(string(body))
		if raw == "" {
			raw = http.StatusText(status)
		}
		e.Body = raw
	}
	if e.RequestID == "" && h != nil {
		e.RequestID = capText(h.Get("X-Request-Id"))
	}
	return e
}

// DecodeError is decodeError for callers outside the package (fuzzing,
// sandbox tests).
func DecodeError(op string, status int, h http.Header, body []byte) *Error {
	return decodeError(op, status, h, body)
}

// UnknownOutcomeError: an at-most-once request was sent (or may have
// been), but whether the service acted on it is not known (5xx, timeout,
// connection lost after sending, a redirect, an unreadable answer,
// interrupted). It was not repeated.
type UnknownOutcomeError struct {
	Op        string
	RequestID string // the Client-Request-Id sent
	Cause     error
}

func (e *UnknownOutcomeError) Error() string {
	return fmt.Sprintf("%s: the request was sent but its outcome is unknown: %v\n"+
		"flexusl did not repeat it, so it took effect at most once. Client-Request-Id: %s", e.Op, e.Cause, e.RequestID)
}

func (e *UnknownOutcomeError) Unwrap() error { return e.Cause }

// ExitCode is 130 when interrupted, else 1.
func (e *UnknownOutcomeError) ExitCode() int {
	if errors.Is(e.Cause, errInterrupted) {
		return exitcode.Interrupted
	}
	return exitcode.Failure
}

var errInterrupted = errors.New("interrupted")

// IsUnknownOutcome reports whether err says a call may have taken effect.
func IsUnknownOutcome(err error) bool {
	var u *UnknownOutcomeError
	return errors.As(err, &u)
}

// NotSentError: the request never reached the service (no connection could
// be made), or the service refused it with 429 and the retries stopped.
// Nothing was done.
type NotSentError struct {
	Op       string
	URL      string
	Cause    error
	Answered bool // the service answered 429 (it did not take the request)
}

func (e *NotSentError) Error() string {
	if e.Answered {
		return fmt.Sprintf("%s: rate limited by the service, then stopped: %v (the request was not taken)", e.Op, e.Cause)
	}
	return fmt.Sprintf("%s: could not connect to %s: %v (nothing was sent)", e.Op, e.URL, e.Cause)
}

func (e *NotSentError) Unwrap() error { return e.Cause }

// ExitCode is 130 when interrupted, else 1.
func (e *NotSentError) ExitCode() int {
	if errors.Is(e.Cause, errInterrupted) {
		return exitcode.Interrupted
	}
	return exitcode.Failure
}

// RedirectError: the service answered with a redirect, which flexusl never
// follows (credentials and bodies stay with the configured host).
type RedirectError struct {
	Op         string
	StatusCode int
	Location   string
}

func (e *RedirectError) Error() string {
	loc := e.Location
	if u, err := url.Parse(loc); err == nil && u.User != nil {
		u.User = url.User("REDACTED")
		loc = u.String()
	}
	if loc == "" {
		loc = "(no Location)"
	}
	return fmt.Sprintf("%s: HTTP %d redirect to %s, not followed: flexusl sends credentials only to the configured endpoint (check the endpoint setting)", e.Op, e.StatusCode, capText(loc))
}
