package api

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCABundleAndMinimumTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"order_info":{"order_id":"CS1","status":5}}`)
	}))
	defer srv.Close()
	pemPath := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(pemPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	show := func(hc *http.Client, url string) error {
		c := &Client{Endpoints: Endpoints{BSS: url}, HTTP: hc, MaxRetries: 0}
		_, err := c.ShowOrder(context.Background(), "CS1")
		return err
	}
	// Unknown CA: refused.
	plain, _ := NewHTTPClient(HTTPOptions{Timeout: 5 * time.Second})
	if err := show(plain, srv.URL); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("unknown CA accepted: %v", err)
	}
	// With the bundle: accepted.
	withCA, err := NewHTTPClient(HTTPOptions{Timeout: 5 * time.Second, CABundle: pemPath})
	if err != nil {
		t.Fatal(err)
	}
	if err := show(withCA, srv.URL); err != nil {
		t.Errorf("with ca_bundle: %v", err)
	}
	// A bundle without certificates is a clear error.
	bad := filepath.Join(t.TempDir(), "bad.pem")
	os.WriteFile(bad, []byte("not pem"), 0o600)
	if _, err := NewHTTPClient(HTTPOptions{CABundle: bad}); err == nil || !strings.Contains(err.Error(), "no PEM certificates") {
		t.Errorf("bad bundle: %v", err)
	}
	// TLS 1.1 servers are refused.
	old := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	old.TLS = &tls.Config{MaxVersion: tls.VersionTLS11}
	old.StartTLS()
	defer old.Close()
	os.WriteFile(pemPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: old.Certificate().Raw}), 0o600)
	hc, _ := NewHTTPClient(HTTPOptions{Timeout: 5 * time.Second, CABundle: pemPath})
	if err := show(hc, old.URL); err == nil {
		t.Error("TLS 1.1 accepted")
	}
}
