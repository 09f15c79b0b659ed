package apitest

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
)

// Handler answers with h, in-process: no server is started and no
// endpoint configured. It is for a stateful fake that serves many routes
// (flexusl's sandbox, in command tests of long flows); register it with
// Func("…", All) and Persist. The handler sees the request as sent (method,
// URL, host, headers, body) with the client's context, so a handler that
// waits stops when the client gives up, and the request then fails as a
// silent server's does (the context's error). A handler that hijacks the
// connection and closes it (the sandbox's "drop" fault: the work is done,
// the answer lost) fails the request after it was sent, as a connection
// closed without an answer does (io.ErrUnexpectedEOF).
func Handler(h http.Handler) Responder {
	return func(q *Request) (*http.Response, error) {
		req, err := http.NewRequestWithContext(q.Context(), q.Method, q.URL.String(), bytes.NewReader(q.Body))
		if err != nil {
			return nil, err
		}
		req.Header = q.Header.Clone()
		req.Host = q.URL.Host
		req.RemoteAddr = "127.0.0.1:1"
		req.RequestURI = q.URL.RequestURI()
		w := &hijackRecorder{ResponseRecorder: httptest.NewRecorder()}
		h.ServeHTTP(w, req)
		if w.hijacked() {
			return nil, io.ErrUnexpectedEOF
		}
		if err := q.Context().Err(); err != nil {
			return nil, err // the client gave up (its timeout) before the answer
		}
		return w.Result(), nil
	}
}

// hijackRecorder is a recorder a handler can hijack: the "connection" it
// gets is one end of a pipe, and the answer is then lost.
type hijackRecorder struct {
	*httptest.ResponseRecorder
	mu  sync.Mutex
	hij bool
}

func (w *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.hij = true
	c, other := net.Pipe()
	other.Close()
	return c, bufio.NewReadWriter(bufio.NewReader(c), bufio.NewWriter(c)), nil
}

func (w *hijackRecorder) hijacked() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.hij
}
