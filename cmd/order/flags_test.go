package ordercmd_test

import (
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil/cmdtest"
	ordercmd "github.com/flexusl/flexusl/cmd/order"
)

// Flag parsing alone (runF): the options each argv gives, and the usage
// errors (exit 2, naming the flag or argument) before anything runs.
func TestShowFlags(t *testing.T) {
	o, _, err := cmdtest.Flags(t, ordercmd.NewCmdShow, "CS24022811305H1EW")
	if err != nil || *o != (ordercmd.ShowOptions{OrderID: "CS24022811305H1EW", Path: "show"}) {
		t.Errorf("%v %+v", err, o)
	}
	o, _, err = cmdtest.Flags(t, ordercmd.NewCmdShow, "--last")
	if err != nil || *o != (ordercmd.ShowOptions{Last: true, Path: "show"}) {
		t.Errorf("--last: %v %+v", err, o)
	}
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{nil, "show takes an order ID (or --last), got 0 arguments; see: show --help"},
		{[]string{"a", "b"}, "got 2 arguments"},
		{[]string{"CS1", "--last"}, "give an order ID or --last, not both"},
		{[]string{"../etc"}, `order ID "../etc": must be 1 to 64 letters, digits, '-' or '_'`},
		{[]string{"--last=yes"}, `invalid argument "yes" for "--last"`},
	} {
		o, code, err := cmdtest.Flags(t, ordercmd.NewCmdShow, tt.args...)
		if code != 2 || o != nil || err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: exit %d, ran %v, err %v; want exit 2 with %q", tt.args, code, o != nil, err, tt.err)
		}
	}
}

func TestWaitFlags(t *testing.T) {
	o, _, err := cmdtest.Flags(t, ordercmd.NewCmdWait, "CS1")
	if err != nil || *o != (ordercmd.WaitOptions{OrderID: "CS1", Timeout: 30 * time.Minute, Interval: 10 * time.Second, Path: "wait"}) {
		t.Errorf("defaults: %v %+v", err, o)
	}
	o, _, err = cmdtest.Flags(t, ordercmd.NewCmdWait, "--last", "--timeout", "10m", "--interval", "2s")
	if err != nil || *o != (ordercmd.WaitOptions{Last: true, Timeout: 10 * time.Minute, Interval: 2 * time.Second, Path: "wait"}) {
		t.Errorf("%v %+v", err, o)
	}
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"CS1", "--timeout", "0s"}, "--timeout and --interval must be positive"},
		{[]string{"CS1", "--interval", "-1s"}, "--timeout and --interval must be positive"},
		{[]string{"CS1", "--timeout", "soon"}, `invalid argument "soon" for "--timeout"`},
		{[]string{"--last", "CS1"}, "give an order ID or --last, not both"},
		{nil, "wait takes an order ID (or --last), got 0 arguments"},
		{[]string{"CS 1"}, `order ID "CS 1"`},
	} {
		o, code, err := cmdtest.Flags(t, ordercmd.NewCmdWait, tt.args...)
		if code != 2 || o != nil || err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: exit %d, ran %v, err %v; want exit 2 with %q", tt.args, code, o != nil, err, tt.err)
		}
	}
}

func TestListFlags(t *testing.T) {
	o, _, err := cmdtest.Flags(t, ordercmd.NewCmdList, "--refresh")
	if err != nil || !o.Refresh || o.Remote || o.Since != "30d" {
		t.Errorf("--refresh: %v %+v", err, o)
	}
	o, _, err = cmdtest.Flags(t, ordercmd.NewCmdList, "--remote", "--since", "36h", "--status", "pending-payment", "--type", "renewal")
	if err != nil || !o.Remote || o.Window != 36*time.Hour || o.Filter.Status != 6 || o.Filter.OrderType != 2 || o.Since != "36h" {
		t.Errorf("--remote: %v %+v", err, o)
	}
	o, _, err = cmdtest.Flags(t, ordercmd.NewCmdList, "--remote")
	if err != nil || o.Window != 30*24*time.Hour || o.Filter.Status != 0 || o.Filter.OrderType != 0 {
		t.Errorf("--remote defaults: %v %+v", err, o)
	}
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"--since", "7d"}, "--since goes with --remote"},
		{[]string{"--status", "completed"}, "--status goes with --remote"},
		{[]string{"--type", "new"}, "--type goes with --remote"},
		{[]string{"--remote", "--refresh"}, "--refresh and --remote exclude each other"},
		{[]string{"--remote", "--since", "forever"}, `--since "forever": must be a duration`},
		{[]string{"--remote", "--status", "paid"}, `--status "paid": is not known`},
		{[]string{"--remote", "--type", "gift"}, `--type "gift": is not known`},
		{[]string{"--remote", "--status", "paid", "--type", "gift"}, "2 problems"},
		{[]string{"CS1"}, `list takes no arguments, got ["CS1"]`},
		{[]string{"--remotely"}, "unknown flag: --remotely"},
	} {
		o, code, err := cmdtest.Flags(t, ordercmd.NewCmdList, tt.args...)
		if code != 2 || o != nil || err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: exit %d, ran %v, err %v; want exit 2 with %q", tt.args, code, o != nil, err, tt.err)
		}
	}
}
