package e2e

import (
	"bytes"
	"net"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/sandbox"
)

// A purchase whose price inquiry fails (403, no product, a hang, a network
// error) still buys exactly once, says why on stderr, and takes at most the
// inquiry's 5s longer than without it. The built binary against the
// sandbox; the figures are logged (go test -v -run TestPriceInquiryNeverBlocksAPurchase).
func TestPriceInquiryNeverBlocksAPurchase(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out a 5s inquiry")
	}
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + closed.Addr().String() // nothing listens there once closed
	closed.Close()
	const timeout = 5 * time.Second
	tests := []struct {
		name  string
		fault *sandbox.Fault
		bss   string // BSS endpoint instead of the sandbox
		args  []string
		why   string
		min   time.Duration // the run waits at least this long (the timeout, for a hang)
	}{
		{name: "no inquiry", args: []string{"--no-price"}},
		{name: "priced", why: "price: 10.00 USD\n"},
		{name: "403", fault: &sandbox.Fault{Route: sandbox.RouteBSSSubscribeRate, Kind: sandbox.FaultForbidden},
			why: "price: not available (price inquiry (subscribe-rate): HTTP 403 CBC.0151"},
		{name: "product not found", fault: &sandbox.Fault{Route: sandbox.RouteBSSSubscribeRate, Kind: sandbox.FaultProductNotFound},
			why: "price: not available (no API price for this plan"},
		{name: "hang", fault: &sandbox.Fault{Route: sandbox.RouteBSSSubscribeRate, Kind: sandbox.FaultLatency, LatencyMS: 60000, Count: 10},
			why: "price: not available (no answer from BSS within 5s)", min: timeout},
		{name: "network error", bss: refused, why: "price: not available (could not connect: dial tcp " + strings.TrimPrefix(refused, "http://") + ": connect: connection refused)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := sandbox.New(sandbox.Options{Token: E2EToken})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(s)
			defer srv.Close()
			if tt.fault != nil {
				if err := s.AddFault(*tt.fault); err != nil {
					t.Fatal(err)
				}
			}
			bss := srv.URL
			if tt.bss != "" {
				bss = tt.bss
			}
			dir := t.TempDir()
			cmd := exec.Command(filepath.Join(binDirE2E, "flexusl"), append([]string{"instance", "buy", "--region", "ap-southeast-3", "--name", "web-1",
				"--image", "BT", "--spec", "hf.large.1.30m.linux", "--yes", "-o", "json"}, tt.args...)...)
			cmd.Env = []string{"HOME=" + dir, "XDG_STATE_HOME=" + dir, "XDG_CONFIG_HOME=" + dir, "FLEXUSL_TOKEN=" + E2EToken,
				"FLEXUSL_ENDPOINT=" + srv.URL, "FLEXUSL_BSS_ENDPOINT=" + bss, "FLEXUSL_IAM_ENDPOINT=" + srv.URL,
				"FLEXUSL_RMS_ENDPOINT=" + srv.URL, "FLEXUSL_ECS_ENDPOINT=" + srv.URL}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			err = cmd.Run()
			took := time.Since(start)
			t.Logf("%-18s %6.2fs  %s", tt.name, took.Seconds(), strings.SplitN(stderr.String(), "\n", 2)[0])
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr.String())
			}
			posts := 0
			for _, r := range s.Requests() {
				if r.Route == sandbox.RouteCreate {
					posts++
				}
			}
			if posts != 1 || len(s.Orders()) != 1 || !strings.Contains(stdout.String(), `"order_id": "CS`) {
				t.Errorf("%d purchase POSTs, %d orders; stdout %s", posts, len(s.Orders()), stdout.String())
			}
			if tt.why != "" && !strings.Contains(stderr.String(), tt.why) {
				t.Errorf("stderr lacks %q:\n%s", tt.why, stderr.String())
			}
			if tt.why == "" && strings.Contains(stderr.String(), "price") {
				t.Errorf("stderr speaks of a price:\n%s", stderr.String())
			}
			// Bounded by the inquiry's timeout (plus the purchase itself and
			// the process's start: 2s of slack on a loaded machine).
			if took < tt.min || took > timeout+2*time.Second {
				t.Errorf("took %s, want %s to %s", took, tt.min, timeout+2*time.Second)
			}
		})
	}
}
