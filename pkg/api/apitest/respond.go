package apitest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// Responder answers a matched request.
type Responder func(*Request) (*http.Response, error)

// ErrNotConnected, returned (or wrapped) by a responder, means no
// connection was made: the request cannot have been sent (see Refused).
var ErrNotConnected = errors.New("apitest: no connection was made")

// String answers status with body as JSON (Content-Type application/json).
func String(status int, body string) Responder {
	return Bytes(status, []byte(body))
}

// Bytes answers status with body as JSON.
func Bytes(status int, body []byte) Responder {
	return func(*Request) (*http.Response, error) { return response(status, body), nil }
}

// Status answers status with an empty body.
func Status(status int) Responder { return Bytes(status, nil) }

// Wire answers status with testdata/wire's file name (e.g.
// "ecs/show-job.response.json"), a documented example. The file is read
// when the stub is registered: a missing one fails the test there.
func Wire(t testing.TB, status int, name string) Responder {
	t.Helper()
	return Bytes(status, WireFile(t, name))
}

// WithHeader adds a response header to what resp answers.
func WithHeader(resp Responder, key, value string) Responder {
	return func(q *Request) (*http.Response, error) {
		r, err := resp(q)
		if err == nil {
			r.Header.Set(key, value)
		}
		return r, err
	}
}

// Err fails the request with err after a connection was made: the server
// may have received it (an unknown outcome for a call that changes
// something).
func Err(err error) Responder {
	return func(*Request) (*http.Response, error) { return nil, err }
}

// Hang never answers: the request fails when the client gives up (its
// timeout), after a connection was made, as a server that took the call
// and went silent.
func Hang() Responder {
	return func(q *Request) (*http.Response, error) {
		<-q.Context().Done()
		return nil, q.Context().Err()
	}
}

// Refused fails the request before any connection: it was not sent.
func Refused() Responder {
	return Err(fmt.Errorf("dial tcp: connection refused (%w)", ErrNotConnected))
}

func response(status int, body []byte) *http.Response {
	h := http.Header{}
	if len(body) > 0 {
		h.Set("Content-Type", "application/json")
	}
	return &http.Response{
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
	}
}

// WireFile is testdata/wire's file name, found from the test's working
// directory up to the repository root (the directory with go.mod).
func WireFile(t testing.TB, name string) []byte {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatalf("apitest: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(root, "testdata", "wire", filepath.FromSlash(name)))
	if err != nil {
		t.Fatalf("apitest: %v", err)
	}
	return b
}

// repoRoot is the nearest directory above the working directory that holds
// go.mod and testdata/wire.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "testdata", "wire")); err == nil {
				return dir, nil
			}
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("no go.mod with testdata/wire above the working directory")
		}
		dir = up
	}
}
