package instancecmd_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/cmd"
	"github.com/flexusl/flexusl/cmd/cmdutil"
	instancecmd "github.com/flexusl/flexusl/cmd/instance"
	"github.com/flexusl/flexusl/pkg/api/apitest"
	"github.com/flexusl/flexusl/pkg/ui"
)

const token = "buy-test-token-SECRET-42"

// harness runs instance buy with reg answering its API calls.
type harness struct {
	reg *apitest.Registry
}

func newHarness(t *testing.T) *harness { return &harness{reg: apitest.New(t)} }

// noPrice answers the price inquiry's project look-up 404, so the price is
// "not available".
func (h *harness) noPrice() *harness {
	h.reg.Register(apitest.REST("GET", "/v3/projects"), apitest.String(404, `{"error_code":"APIGW.0101","error_msg":"not served by this test"}`)).Persist()
	return h
}

// accept answers one purchase with order CS24022811305H1EW.
func (h *harness) accept() *harness {
	h.reg.Register(buyCall, apitest.String(202, `{"order_id":"CS24022811305H1EW","instance_ids":["65dea8d23005da564c78d9d2"]}`))
	return h
}

// purchases counts the purchases sent; all every request (the price
// inquiry's too).
func (h *harness) purchases() int { return h.reg.Count(buyCall) }
func (h *harness) all() int       { return len(h.reg.Requests()) }

func (h *harness) run(t *testing.T, tty bool, stdin string, args ...string) (stdout, stderr string, code int) {
	dir := t.TempDir()
	env := h.env(dir)
	io, in, out, errOut := ui.Test()
	io.SetTTY(tty, tty, tty)
	in.WriteString(stdin)
	f := &cmdutil.Factory{IO: io, Getenv: func(k string) string { return env[k] }, HTTPClient: h.reg.HTTPClient}
	code = cmd.Run(context.Background(), f, append([]string{"instance", "buy"}, args...))
	return out.String(), errOut.String(), code
}

// env is the environment of a run (no endpoint: the registry answers).
func (h *harness) env(dir string) map[string]string {
	return map[string]string{"FLEXUSL_TOKEN": token, "FLEXUSL_CONFIG": filepath.Join(dir, "c.yaml"), "XDG_STATE_HOME": dir, "FLEXUSL_REGION": "ap-southeast-3"}
}

var valid = []string{"--name", "web-1", "--image", "WordPress", "--spec", "hf.large.1.30m.linux"}

func with(extra ...string) []string {
	// later flags win, so extra overrides valid
	return append(append([]string{}, valid...), extra...)
}

// One case per rule of `instance buy`: exit 2, the field named, nothing sent.
func TestEveryRuleExits2AndSendsNothing(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		field string
	}{
		{"name required", []string{"--image", "WordPress", "--spec", "hf.large.1.30m.linux"}, "--name (instance_name): is required"},
		{"name starts with letter", with("--name", "9web"), `--name (instance_name) "9web"`},
		{"name charset", with("--name", "web.1"), `--name (instance_name) "web.1"`},
		{"name length", with("--name", "a"+strings.Repeat("b", 128)), "1 to 128 characters (it has 129)"},
		{"description runes", with("--description", strings.Repeat("ü", 1025)), "0 to 1024 characters (it has 1025)"},
		{"spec required", []string{"--name", "w", "--image", "WordPress"}, "--spec (plan_spec): is required"},
		{"spec for image", with("--image", "GitLab"), `--spec (plan_spec) "hf.large.1.30m.linux": is not supported by GitLab 16.9.3`},
		{"spec typo", with("--spec", "hf.large.3.30m.linux"), "did you mean hf.large.2.30m.linux or hf.large.4.30m.linux?"},
		{"plan-spec alias", with("--plan-spec", "hf.large.9.30m.linux", "--spec", "hf.large.9.30m.linux"), `--spec (plan_spec) "hf.large.9.30m.linux"`},
		{"image unknown", with("--image", "Wordpres"), "did you mean WordPress?"},
		{"image version unknown", with("--image-version", "6.5"), `--image-version (image_ref.image_version) "6.5": is not a version of WordPress`},
		{"image version required", with("--image", "Ubuntu"), "is required: Ubuntu has 4 versions"},
		{"image-id excludes image", with("--image-id", "abc"), "--image-id (image_ref.image_id)"},
		{"private spec table 11", []string{"--name", "w", "--image-id", "abc", "--spec", "hf.large.3.30m.byol"}, `--spec (plan_spec) "hf.large.3.30m.byol"`},
		{"region", with("--region", "eu-west-0"), `--region (region) "eu-west-0": is not a FlexusL region`},
		{"period type", with("--period-type", "week"), `--period-type (period_type) "week"`},
		{"period month", with("--period", "10"), "must be 1 to 9 when period_type is month"},
		{"period year", with("--period-type", "year", "--period", "4"), "must be 1 to 3 when period_type is year"},
		{"period zero", with("--period", "0"), "--period (period_num): is required"},
		{"quantity low", with("--quantity", "0"), `--quantity (purchase_quantity) "0": must be 1 to 200`},
		{"quantity high", with("--quantity", "201"), `--quantity (purchase_quantity) "201": must be 1 to 200`},
		{"data disk low", with("--data-disk", "9"), `--data-disk (extra_resources[0].size) "9": must be 10 to 2048 GiB`},
		{"data disk high", with("--data-disk", "2049"), "must be 10 to 2048 GiB"},
		{"backup low", with("--backup", "9"), `--backup (extra_resources[0].size) "9"`},
		{"tag key", with("--tag", "9k=v"), `--tag (tags[0].key) "9k"`},
		{"tag key length", with("--tag", strings.Repeat("k", 33)+"=v"), "1 to 32 characters"},
		{"tag value length", with("--tag", "k="+strings.Repeat("v", 2049)), "0 to 2048 characters"},
		{"tag duplicate", with("--tag", "k=a", "--tag", "k=b"), `--tag (tags[1].key) "k": is given more than once`},
		{"tag form", with("--tag", "novalue"), `--tag "novalue": must be key=value`},
		{"request id length", with("--client-request-id", "abc"), "must be 36 to 128 characters"},
		{"request id charset", with("--client-request-id", "_5a56f6c-8aee-4e4b-bf76-5d98d1ac023d"), "letters, digits and hyphens"},
		{"integer flag", with("--quantity", "two"), `invalid argument "two" for "--quantity"`},
		{"tag not utf-8", with("--tag", "env=pr\xffod"), `--tag (tags[0].value) "pr\xffod": is not valid UTF-8`},
		{"name not utf-8", with("--name", "web\xe9"), `--name (instance_name) "web\xe9": is not valid UTF-8`},
		{"description not utf-8", with("--description", "caf\xe9"), `--description (description) "caf\xe9": is not valid UTF-8`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			out, errOut, code := h.run(t, false, "", append(tt.args, "--yes")...)
			if code != 2 || !strings.Contains(errOut, tt.field) || out != "" {
				t.Errorf("exit %d\nstderr %s\nstdout %q\nwant exit 2 naming %q", code, errOut, out, tt.field)
			}
			if n := h.all(); n != 0 {
				t.Errorf("%d requests reached the server", n)
			}
		})
	}
}

func TestConfirmOnTerminal(t *testing.T) {
	h := newHarness(t).noPrice().accept()
	out, errOut, code := h.run(t, true, "n\n", with("--data-disk", "20", "--hss", "--tag", "env=prod")...)
	if code != 2 || !strings.Contains(errOut, "cancelled: nothing was sent") || h.purchases() != 0 || out != "" {
		t.Fatalf("decline: exit %d stderr %s", code, errOut)
	}
	for _, want := range []string{"You are about to buy:", "Name:", "web-1", "Region:", "ap-southeast-3 (AP-Singapore)", "Image:", "WordPress 6.4 (application image)",
		"2 vCPUs, 2 GiB memory, 60 GiB system disk, 30 Mbit/s peak bandwidth, 3072 GB data package", "Period:", "1 month, prepaid",
		"Auto-renew:", "Auto-pay:", "no: the order will wait for payment in the console", "data disk 20 GiB, host security", "env=prod", "Buy? [y/N]"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("summary lacks %q:\n%s", want, errOut)
		}
	}
	out, errOut, code = h.run(t, true, "y\n", valid...)
	if code != 0 || h.purchases() != 1 || !strings.Contains(out, "CS24022811305H1EW") {
		t.Errorf("accept: exit %d requests %d stdout %q stderr %s", code, h.purchases(), out, errOut)
	}
	if strings.Contains(out+errOut, token) {
		t.Error("token printed")
	}
}

// Flag parsing alone (runF): the alias, defaults, repeatable tags.
func TestFlagParsing(t *testing.T) {
	io, _, _, _ := ui.Test()
	f := &cmdutil.Factory{IO: io, Getenv: func(string) string { return "" }}
	var got *instancecmd.BuyOptions
	c := instancecmd.NewCmdBuy(f, func(o *instancecmd.BuyOptions) error { got = o; return nil })
	c.SetArgs([]string{"--plan-spec", "hf.large.2.30m.linux", "--tag", "a=1", "--tag", "b=2", "-y", "--period-type", "year"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Spec != "hf.large.2.30m.linux" || len(got.Tags) != 2 || !got.Yes || got.Period != 1 || got.Quantity != 1 || got.PeriodType != "year" || got.WaitTimeout.Minutes() != 30 {
		t.Errorf("%+v", got)
	}
}

// hostile is text a server or a file might hold to rewrite the screen:
// clear it, move home, print a fake line, set the title, ring the bell.
const hostile = "\x1b[2J\x1b[H\rQuantity: 1\x1b]0;title\x07\u009b31m\b"

// noControls fails when s holds a control character other than newline
// and tab (what a terminal would obey).
func noControls(t *testing.T, what, s string) {
	t.Helper()
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) {
			t.Errorf("%s holds control character %U:\n%q", what, r, s)
			return
		}
	}
}

func TestServerTextIsEscapedOnTheTerminal(t *testing.T) {
	refusal := apitest.String(400, `{"error_code":"HCSS.14000001","error_msg":"bad\u001b[2J\u001b[H\rQuantity: 1\u009b31m"}`)
	h := newHarness(t)
	h.reg.Register(apitest.REST("GET", "/v3/projects"), refusal)
	h.reg.Register(buyCall, refusal)
	h.reg.Register(apitest.REST("GET", "/v2/orders/customer-orders/details/CS1"),
		apitest.String(200, `{"total_count":1,"order_info":{"order_id":"CS1","status":5,"order_type":1,"currency":"USD\u001b[2J","create_time":"2024\r\u001b]0;x\u0007"}}`)).Persist()
	out, errOut, code := h.run(t, true, "", with("--yes")...)
	if code != 1 || out != "" || !strings.Contains(errOut, `bad^[[2J^[[H^MQuantity: 1^[[31m`) {
		t.Errorf("exit %d stdout %q stderr %q", code, out, errOut)
	}
	noControls(t, "stderr", errOut)

	dir := t.TempDir()
	env := map[string]string{"FLEXUSL_TOKEN": token, "FLEXUSL_CONFIG": filepath.Join(dir, "c.yaml"), "XDG_STATE_HOME": dir}
	for _, format := range []string{"table", "json"} {
		ios, _, o, e := ui.Test()
		ios.SetTTY(true, true, true)
		f := &cmdutil.Factory{IO: ios, Getenv: func(k string) string { return env[k] }, HTTPClient: h.reg.HTTPClient}
		if code := cmd.Run(context.Background(), f, []string{"order", "show", "CS1", "-o", format}); code != 0 {
			t.Fatalf("order show: exit %d %s", code, e)
		}
		if format == "table" {
			noControls(t, "order show table", o.String())
			if !strings.Contains(o.String(), "USD^[[2J") {
				t.Errorf("table: %q", o.String())
			}
		} else if !strings.Contains(o.String(), `"currency": "USD\u001b[2J"`) {
			t.Errorf("JSON must keep the value exactly: %s", o.String())
		}
	}
}

// The confirmation shows hostile tag, name and description values escaped,
// one line each: the quantity line cannot be forged.
func TestConfirmationCannotBeSpoofed(t *testing.T) {
	h := newHarness(t).noPrice()
	_, errOut, code := h.run(t, true, "n\n", with("--quantity", "200", "--auto-pay", "--tag", "env="+hostile, "--description", "shop"+hostile)...)
	if code != 2 || h.purchases() != 0 {
		t.Fatalf("exit %d, %d requests", code, h.purchases())
	}
	noControls(t, "confirmation", errOut)
	if strings.Count(errOut, "Quantity:") != 3 || !strings.Contains(errOut, "  Quantity:     200\n") {
		t.Errorf("confirmation:\n%s", errOut)
	}
	if !strings.Contains(errOut, `env=^[[2J^[[H^MQuantity: 1^[]0;title^G^[[31m^H`) {
		t.Errorf("tag not shown escaped:\n%s", errOut)
	}
}

// The outcome cannot be journaled (the disk filled up while the request
// was out): the result is still printed, with a warning that says what the
// journal holds.
func TestOutcomeNotJournaledIsAWarningNotALostOrder(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("needs /dev/full")
	}
	dir := t.TempDir()
	journalPath := filepath.Join(dir, "flexusl", "orders.jsonl")
	reg := apitest.New(t)
	accepted := apitest.String(202, `{"order_id":"CS24022811305H1EW","instance_ids":["65dea8d23005da564c78d9d2"]}`)
	reg.Register(buyCall, func(q *apitest.Request) (*http.Response, error) {
		// The attempt was journaled before the request left.
		if data, err := os.ReadFile(journalPath); err != nil || !strings.Contains(string(data), `"state":"sending"`) {
			t.Errorf("no sending record when the request arrived: %q %v", data, err)
		}
		os.Rename(journalPath, journalPath+".begun")
		os.Symlink("/dev/full", journalPath)
		return accepted(q)
	})
	env := map[string]string{"FLEXUSL_TOKEN": token, "FLEXUSL_CONFIG": filepath.Join(dir, "c.yaml"),
		"XDG_STATE_HOME": dir, "FLEXUSL_REGION": "ap-southeast-3"}
	ios, _, out, errOut := ui.Test()
	f := &cmdutil.Factory{IO: ios, Getenv: func(k string) string { return env[k] }, HTTPClient: reg.HTTPClient}
	code := cmd.Run(context.Background(), f, append([]string{"instance", "buy"}, with("--yes", "--no-price", "--client-request-id", "11111111-2222-4333-8444-555555555555", "-o", "json")...))
	if code != 0 || !strings.Contains(out.String(), `"order_id": "CS24022811305H1EW"`) {
		t.Fatalf("exit %d stdout %q stderr %q", code, out, errOut)
	}
	want := "Warning: could not record order CS24022811305H1EW in the journal: journal: write " + journalPath + ": no space left on device; the journal " + journalPath +
		" shows this call (Client-Request-Id 11111111-2222-4333-8444-555555555555) as unknown"
	if !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr %q\nwant %q", errOut, want)
	}
}

// Ctrl-C at the [y/N] prompt cancels at once (exit 130), without waiting
// for Enter, and nothing is sent.
func TestInterruptAtPromptCancelsAtOnce(t *testing.T) {
	h := newHarness(t).noPrice()
	dir := t.TempDir()
	env := h.env(dir)
	ios, _, out, errOut := ui.Test()
	ios.SetTTY(true, true, true)
	pr, pw := io.Pipe() // a terminal nobody types into
	defer pw.Close()
	ios.In = pr
	f := &cmdutil.Factory{IO: ios, Getenv: func(k string) string { return env[k] }, HTTPClient: h.reg.HTTPClient}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	code := cmd.Run(ctx, f, append([]string{"instance", "buy"}, valid...))
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %s", took)
	}
	if code != 130 || out.Len() != 0 || h.purchases() != 0 || !strings.Contains(errOut.String(), "Buy? [y/N]: \nError: cancelled: nothing was sent\n") {
		t.Errorf("exit %d, %d requests, stdout %q, stderr %q", code, h.purchases(), out, errOut)
	}
}
