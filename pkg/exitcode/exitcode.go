// Package exitcode defines flexusl's documented exit codes and an error type
// that carries one, so every layer can say how a run ends without knowing
// about the command framework.
package exitcode

import (
	"context"
	"errors"
	"fmt"
)

// The documented exit codes.
const (
	OK          = 0   // success
	Failure     = 1   // a failure not listed below (server error, outcome unknown)
	Usage       = 2   // invalid input or usage: nothing was sent
	Auth        = 3   // authentication or permission
	OrderFailed = 4   // the order was cancelled or failed
	Timeout     = 5   // waiting timed out
	Interrupted = 130 // interrupted (Ctrl-C)
)

// Changes is `apply --dry-run`'s answer when the account is not as the
// fleet file declares: changes are pending (or held back). Neither a
// failure (1) nor invalid input (2), so a CI step can tell the three apart.
const Changes = 6

// Error is an error with an exit code.
type Error struct {
	Code int
	Err  error
	// Quiet: the run printed what it has to say; the error is the exit
	// code only, not printed as "Error: ...".
	Quiet bool
}

// Quietf is an exit code that is not a failure to report: the result
// already says it (apply --dry-run's pending changes).
func Quietf(code int, format string, args ...any) error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...), Quiet: true}
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// New wraps err with code.
func New(code int, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Err: err}
}

// Errorf formats an error with code.
func Errorf(code int, format string, args ...any) error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// Coder is implemented by errors that know their exit code (API errors).
type Coder interface{ ExitCode() int }

// Of returns the exit code for err: 0 for nil, the code an Error or Coder
// carries, 130 for a cancelled context, else 1.
func Of(err error) int {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var c Coder
	if errors.As(err, &c) {
		return c.ExitCode()
	}
	if errors.Is(err, context.Canceled) {
		return Interrupted
	}
	return Failure
}

// advised is an error with the advice a run gives for it.
type advised struct {
	err    error
	advice string
}

func (e *advised) Error() string { return e.err.Error() }
func (e *advised) Unwrap() error { return e.err }

// WithAdvice attaches what to tell the user about err beyond the error
// itself (e.g. how to find out whether an unknown purchase was placed).
// It keeps err's exit code.
func WithAdvice(err error, advice string) error {
	if err == nil {
		return nil
	}
	return &advised{err: err, advice: advice}
}

// AdviceOf is the advice attached to err (the outermost), if any.
func AdviceOf(err error) (string, bool) {
	var a *advised
	if errors.As(err, &a) {
		return a.advice, true
	}
	return "", false
}
