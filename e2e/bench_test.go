package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/purchase"
	"github.com/flexusl/flexusl/pkg/sandbox"
	"github.com/flexusl/flexusl/pkg/service"
	"github.com/google/uuid"
)

// Start-up benchmarks (make bench): each iteration runs the built flexusl
// and a bare cobra+viper program (testdata/bare) once, alternately, so both
// see the same machine load. Reported: the median wall time of each and
// their ratio (x-bare); the target is at most 1.3. Both are built as
// releases are (.goreleaser.yaml): CGO_ENABLED=0, -trimpath, -s -w.

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

func buildBinaries(b *testing.B) (flexusl, bare string) {
	b.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "flexusl-bench-")
		if buildErr != nil {
			return
		}
		for name, pkg := range map[string]string{"flexusl": repoRoot, "bare": "./testdata/bare"} {
			cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", filepath.Join(binDir, name), pkg)
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
			out, err := cmd.CombinedOutput()
			if err != nil {
				buildErr = &buildError{name, string(out), err}
				return
			}
		}
	})
	if buildErr != nil {
		b.Fatal(buildErr)
	}
	return filepath.Join(binDir, "flexusl"), filepath.Join(binDir, "bare")
}

type buildError struct {
	name, out string
	err       error
}

func (e *buildError) Error() string { return "build " + e.name + ": " + e.err.Error() + "\n" + e.out }

func timeRun(b *testing.B, env []string, bin string, args ...string) time.Duration {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s %v: %v\n%s", bin, args, err, out)
	}
	return time.Since(start)
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// compare runs flexusl and bare alternately b.N times and reports medians
// and the ratio.
func compare(b *testing.B, flexArgs, bareArgs []string) {
	flexusl, bare := buildBinaries(b)
	home := b.TempDir()
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "XDG_STATE_HOME=" + filepath.Join(home, "state")}
	alternate(b, env, flexusl, flexArgs, "bare", bare, bareArgs)
}

// alternate runs flexusl and the other program by turns (after one
// warming run each, for the page cache) and reports both medians and
// their ratio: flexusl-ms, <name>-ms, x-<name>.
func alternate(b *testing.B, env []string, flexusl string, flexArgs []string, name, other string, otherArgs []string) {
	timeRun(b, env, flexusl, flexArgs...)
	timeRun(b, env, other, otherArgs...)
	var f, o []time.Duration
	b.ResetTimer()
	for b.Loop() {
		f = append(f, timeRun(b, env, flexusl, flexArgs...))
		o = append(o, timeRun(b, env, other, otherArgs...))
	}
	b.StopTimer()
	mf, mo := median(f), median(o)
	b.ReportMetric(float64(mf.Microseconds())/1000, "flexusl-ms")
	b.ReportMetric(float64(mo.Microseconds())/1000, name+"-ms")
	b.ReportMetric(float64(mf)/float64(mo), "x-"+name)
}

func BenchmarkStartupHelp(b *testing.B) {
	compare(b, []string{"--help"}, []string{"--help"})
}

func BenchmarkStartupSpecsListJSON(b *testing.B) {
	compare(b, []string{"specs", "list", "-o", "json"}, []string{"list", "-o", "json"})
}

func BenchmarkStartupCompleteSpec(b *testing.B) {
	compare(b, []string{"__complete", "instance", "buy", "--spec", ""}, []string{"__complete", "list", ""})
}

// BenchmarkSandboxLoad: concurrent purchases against the sandbox over
// loopback HTTP; every one answered, none lost or duplicated.
func BenchmarkSandboxLoad(b *testing.B) {
	s, err := sandbox.New(sandbox.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	hc, _ := api.NewHTTPClient(api.HTTPOptions{Timeout: 10 * time.Second})
	hc.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
	c := &api.Client{Endpoints: api.Endpoints{api.HCSS: srv.URL}, HTTP: hc, Auth: auth.Token{Value: sandbox.DefaultToken}, UserAgent: "bench"}
	req, ps := purchase.Decode([]byte(`{"instance_name":"load","plan_spec":"hf.large.1.30m.linux","image_ref":{"image_name":"BT","image_version":"6.8.35"},"region":"ap-southeast-3","period_type":"month","period_num":1,"is_auto_pay":true}`))
	if len(ps) > 0 {
		b.Fatal(ps)
	}
	const workers = 16
	b.ResetTimer()
	start := time.Now()
	var n atomic.Int64
	var mu sync.Mutex
	ids := map[string]bool{}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n.Add(1) <= int64(b.N) {
				p, _ := c.PrepareCreate(uuid.NewString(), req)
				res, err := c.CreateLightInstances(context.Background(), p)
				if err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				if ids[res.OrderID] {
					b.Errorf("duplicate order ID %s", res.OrderID)
				}
				ids[res.OrderID] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if len(ids) != b.N || len(s.Orders()) != b.N {
		b.Fatalf("%d answers, %d orders for %d purchases", len(ids), len(s.Orders()), b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "purchases/s")
}

// BenchmarkPurchaseVsCurl: one `flexusl instance buy --yes` (validation,
// journal fsync included) against curl sending the same request to the same
// sandbox.
func BenchmarkPurchaseVsCurl(b *testing.B) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		b.Skip("curl not installed")
	}
	flexusl, _ := buildBinaries(b)
	s, _ := sandbox.New(sandbox.Options{})
	srv := httptest.NewServer(s)
	defer srv.Close()
	home := b.TempDir()
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "XDG_CONFIG_HOME=" + filepath.Join(home, "c"), "XDG_STATE_HOME=" + filepath.Join(home, "s"),
		"FLEXUSL_ENDPOINT=" + srv.URL, "FLEXUSL_TOKEN=" + sandbox.DefaultToken}
	flexArgs := []string{"instance", "buy", "--region", "ap-southeast-3", "--name", "web", "--image", "BT", "--image-version", "6.8.35", "--spec", "hf.large.1.30m.linux", "--auto-pay", "--yes", "-o", "json",
		"--client-request-id", "85a56f6c-8aee-4e4b-bf76-5d98d1ac023d", "--no-price"} // the purchase alone, as curl sends it
	p, _ := (&api.Client{Endpoints: api.Endpoints{api.HCSS: srv.URL}}).PrepareCreate("85a56f6c-8aee-4e4b-bf76-5d98d1ac023d", mustRequest(b, flexusl, env, flexArgs))
	bodyFile := filepath.Join(home, "body.json")
	os.WriteFile(bodyFile, p.Body, 0o600)
	curlArgs := []string{"-s", "-f", "-X", "POST", srv.URL + "/v1/light-instances", "-H", "Content-Type: application/json", "-H", "X-Auth-Token: " + sandbox.DefaultToken,
		"-H", "Client-Request-Id: 85a56f6c-8aee-4e4b-bf76-5d98d1ac023d", "--data-binary", "@" + bodyFile}
	alternate(b, env, flexusl, flexArgs, "curl", curl, curlArgs)
}

// mustRequest reads back the body flexusl would send (its --dry-run), so
// curl sends the very same bytes.
func mustRequest(b *testing.B, flexusl string, env, args []string) *purchase.Request {
	cmd := exec.Command(flexusl, append(args, "--dry-run", "-o", "json")...)
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		b.Fatal(err)
	}
	var d []struct { // an array, as every dry run prints
		Body json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(out, &d); err != nil || len(d) != 1 {
		b.Fatalf("dry run: %v\n%s", err, out)
	}
	r, ps := purchase.Decode(d[0].Body)
	if len(ps) > 0 {
		b.Fatal(ps)
	}
	return r
}

// BenchmarkStop100InOneRegion: `flexusl instance stop` of 100 instances
// of one region against the sandbox (jobs run 100 ms, --interval 50ms).
// Reported per stop: the batch requests (want 1), the job polls (one per
// interval while the job runs: about 3, not 100), the RMS listings (1)
// and the wall time of the whole command.
func BenchmarkStop100InOneRegion(b *testing.B) {
	flexusl, _ := buildBinaries(b)
	s, err := sandbox.New(sandbox.Options{JobAfter: 100 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	home := b.TempDir()
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "XDG_CONFIG_HOME=" + filepath.Join(home, "c"), "XDG_STATE_HOME=" + filepath.Join(home, "s"),
		"FLEXUSL_RMS_ENDPOINT=" + srv.URL, "FLEXUSL_ECS_ENDPOINT=" + srv.URL, "FLEXUSL_VPC_ENDPOINT=" + srv.URL, "FLEXUSL_IAM_ENDPOINT=" + srv.URL, "FLEXUSL_TOKEN=" + sandbox.DefaultToken}
	args := []string{"instance", "stop", "--interval", "50ms", "-o", "json"}
	for i := 1; i <= 100; i++ {
		args = append(args, fmt.Sprintf("sandbox-%04d", i))
	}
	count := func(route string) int {
		n := 0
		for _, r := range s.Requests() {
			if r.Route == route {
				n++
			}
		}
		return n
	}
	var actions, polls, listings int
	var times []time.Duration
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		s.Reset()
		if _, err := s.Provision(sandbox.ProvisionRequest{Count: 100, Regions: []string{"ap-southeast-1"}}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		times = append(times, timeRun(b, env, flexusl, args...))
		actions += count(sandbox.RouteECSAction)
		polls += count(sandbox.RouteECSJob)
		listings += count(sandbox.RouteRMSList)
	}
	b.StopTimer()
	n := float64(len(times))
	b.ReportMetric(float64(actions)/n, "batch-requests/op")
	b.ReportMetric(float64(polls)/n, "job-polls/op")
	b.ReportMetric(float64(listings)/n, "rms-listings/op")
	b.ReportMetric(float64(median(times).Microseconds())/1000, "stop-ms")
	if actions != len(times) {
		b.Errorf("%d batch requests for %d stops of 100 instances: want one each", actions, len(times))
	}
}

// BenchmarkInstanceListVsCurl: `flexusl instance list -o json` of 1,000
// instances (5 RMS pages of 200 and the expiry from BSS, 20 queries of 50:
// decoded, sorted, printed, cached for completion) against one curl
// process making the very requests flexusl made (learnt from the sandbox's
// log of a first run: curl is told the markers and bodies, which a real
// script would have to work out) over kept-alive connections. Target: at
// most 1.5x.
func BenchmarkInstanceListVsCurl(b *testing.B) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		b.Skip("curl not installed")
	}
	flexusl, _ := buildBinaries(b)
	s, _ := sandbox.New(sandbox.Options{})
	if _, err := s.Provision(sandbox.ProvisionRequest{Count: 1000, Regions: []string{"ap-southeast-1", "ap-southeast-3", "tr-west-1"}}); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	home := b.TempDir()
	env := append([]string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "XDG_CONFIG_HOME=" + filepath.Join(home, "c"), "XDG_STATE_HOME=" + filepath.Join(home, "s"),
		"XDG_CACHE_HOME=" + filepath.Join(home, "cache"), "FLEXUSL_TOKEN=" + sandbox.DefaultToken, "FLEXUSL_DOMAIN_ID=" + s.DomainID()},
		service.EnvList(srv.URL)...)
	flexArgs := []string{"instance", "list", "-o", "json"}

	// The requests one listing makes, as the sandbox logged them.
	timeRun(b, env, flexusl, flexArgs...)
	var curlArgs []string
	rms, bss := 0, 0
	for _, r := range s.Requests() {
		if len(curlArgs) > 0 {
			curlArgs = append(curlArgs, "--next")
		}
		curlArgs = append(curlArgs, "-s", "-f", "-o", "/dev/null", "-H", "X-Auth-Token: "+sandbox.DefaultToken)
		if r.Method != http.MethodGet {
			curlArgs = append(curlArgs, "-X", r.Method, "-H", "Content-Type: application/json", "--data-binary", r.Body)
			bss++
		} else {
			rms++
		}
		u := srv.URL + r.Path
		if r.Query != "" {
			u += "?" + r.Query
		}
		curlArgs = append(curlArgs, u)
	}
	if rms != 5 || bss != 20 {
		b.Fatalf("one listing made %d RMS and %d BSS requests, want 5 and 20", rms, bss)
	}
	alternate(b, env, flexusl, flexArgs, "curl", curl, curlArgs)
}
