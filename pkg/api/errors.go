package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/flexusl/flexusl/pkg/exitcode"
)

// Error is an error answer from a Huawei Cloud API.
type Error struct {
	Op         string // what flexusl was doing, e.g. "create instances"
	StatusCode int
	Code       string // HCSS.14000001, APIGW.0301, ...
	Message    string
	RequestID  string
	Body       string // the raw body when it was not in a known shape
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
	case e.Body != "":
		fmt.Fprintf(&b, ": %s", e.Body)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request_id %s)", e.RequestID)
	}
	if h := e.Hint(); h != "" {
		fmt.Fprintf(&b, "\nHint: %s", h)
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

// Hint says what to do about the error.
func (e *Error) Hint() string {
	switch {
	case e.Code == "HCSS.14000001":
		return "the server rejected a parameter (see the message); the catalog may be older than the service: check `flexusl specs list` or pass --catalog"
	case e.Code == "HCSS.14000010":
		return "this spec is sold out in the region: try another spec (`flexusl specs list --image ...`) or another region"
	case e.Code == "HCSS.14000011":
		return "your account's quota is used up: lower --quantity or raise the quota in the console"
	case e.Code == "HCSS.14290001" || e.Code == "APIGW.0308" || e.StatusCode == http.StatusTooManyRequests:
		return "rate limited: wait a minute and try again"
	case e.Code == "APIGW.0301" || e.StatusCode == http.StatusUnauthorized:
		return "the token is invalid, expired or for another region: run `flexusl auth login` (or check the AK/SK)"
	case e.StatusCode == http.StatusForbidden:
		return "the credentials lack permission for this call (for purchases: hcss:instances:create; for orders: bss:order:view)"
	case e.StatusCode >= 500:
		return "the service failed; try again later"
	}
	return ""
}

// decodeError reads both of Huawei's error shapes, falling back to the raw body.
func decodeError(op string, status int, body []byte) *Error {
	e := &Error{Op: op, StatusCode: status}
	var flat struct {
		ErrorCode string `json:"error_code"`
		ErrorMsg  string `json:"error_msg"`
		RequestID string `json:"request_id"`
	}
	var nested struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
		RequestID string `json:"request_id"`
	}
	switch {
	case json.Unmarshal(body, &flat) == nil && (flat.ErrorCode != "" || flat.ErrorMsg != ""):
		e.Code, e.Message, e.RequestID = flat.ErrorCode, flat.ErrorMsg, flat.RequestID
	case json.Unmarshal(body, &nested) == nil && (nested.Error.Code != "" || nested.Error.Message != ""):
		e.Code, e.Message, e.RequestID = nested.Error.Code, nested.Error.Message, nested.RequestID
	default:
		raw := strings.TrimSpace(string(body))
		if len(raw) > 512 {
			raw = raw[:512] + "..."
		}
		if raw == "" {
			raw = http.StatusText(status)
		}
		e.Body = raw
	}
	return e
}

// DecodeError is decodeError for callers outside the package (fuzzing, sandbox tests).
func DecodeError(op string, status int, body []byte) *Error { return decodeError(op, status, body) }

// UnknownOutcomeError: a purchase request was sent, but whether the server
// placed an order is not known (5xx, timeout, connection lost after
// sending, interrupted). It is never retried.
type UnknownOutcomeError struct {
	ClientRequestID string
	Cause           error
}

func (e *UnknownOutcomeError) Error() string {
	return fmt.Sprintf("the purchase request was sent but its outcome is unknown: %v\n"+
		"An order may or may not exist. flexusl did not retry, so at most one order was placed.\n"+
		"Client-Request-Id: %s (recorded in the order journal as unknown)\n"+
		"Check the console's orders (or `flexusl order list`) before buying again.", e.Cause, e.ClientRequestID)
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

// NotSentError: the request never reached the server (no connection could
// be made), after the allowed retries. Nothing was bought.
type NotSentError struct {
	URL   string
	Cause error
}

func (e *NotSentError) Error() string {
	return fmt.Sprintf("could not connect to %s: %v (nothing was sent)", e.URL, e.Cause)
}

func (e *NotSentError) Unwrap() error { return e.Cause }
