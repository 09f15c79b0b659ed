package cmdutil

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/cache"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/instance"
	"github.com/flexusl/flexusl/pkg/output"
	"github.com/flexusl/flexusl/pkg/service"
	"github.com/flexusl/flexusl/pkg/wait"
)

// InstanceCachePath is the completion cache of instances ("" when there is
// no absolute cache directory).
func (f *Factory) InstanceCachePath() string { return cache.InstancesPath(f.Getenv) }

// RememberInstances records instances a command saw in the completion
// cache. complete says vs is every instance of region ("" = every
// region), so cached ones missing from it are dropped. A cache that cannot
// be written is never an error: completion just knows less.
func RememberInstances(f *Factory, vs []instance.View, complete bool, region string) {
	cache.UpdateInstances(f.InstanceCachePath(), cache.Update{Seen: instance.CacheEntries(vs), Complete: complete, Region: region, At: f.Clock()})
}

// WarnNameTaken warns, before a purchase is confirmed, when the instance
// cache (what the last listings saw) holds instances in region that the
// purchase's names would repeat: names are not unique, and a second web-1
// makes every later `instance show web-1` ambiguous. With a quantity over
// one, numbered names (web-1-0001) count too.
func WarnNameTaken(f *Factory, region, name string, quantity int) {
	st, _ := cache.Read(f.InstanceCachePath())
	var same []string
	for _, in := range st.Instances {
		if in.Region != region {
			continue
		}
		if in.Name == name || quantity > 1 && numbered(in.Name, name) {
			same = append(same, in.ID)
		}
	}
	if len(same) == 0 {
		return
	}
	f.IO.Warnf("%d instance(s) named %q already exist in %s (%s, as the last instance list saw): names are not unique, "+
		"and another makes `flexusl instance show %s` ambiguous (it then asks for an ID); choose another --name to tell them apart",
		len(same), name, region, strings.Join(same, ", "), name)
}

// numbered reports whether s is base-NNNN.
func numbered(s, base string) bool {
	rest, ok := strings.CutPrefix(s, base+"-")
	if !ok || len(rest) != 4 {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// WaitInstances follows the instances of a completed purchase order until
// each is RUNNING in RMS with a public IP, within timeout, with progress on
// stderr (a spinner on a terminal, a timestamped line per change
// elsewhere). It returns the instances last seen, in the `instance list`
// shape, and the waiter's error (exit 4, 5 or 130 with the command that
// looks again). The order completed: the purchase is done. So when the
// instances cannot be followed at all (RMS refuses the listing, as it does
// without rms:resources:list; IAM or RMS cannot be reached), that is a
// warning on stderr saying how to look later, not an error: a script must
// never take a completed purchase for a failed one and buy again.
func WaitInstances(ctx context.Context, f *Factory, orderID, region string, ids []string, timeout, interval time.Duration) ([]instance.View, error) {
	client, err := f.APIClient()
	if err != nil {
		return nil, err
	}
	client = client.WithNotify(nil) // the waiter reports transient errors itself
	resume := "flexusl order wait " + orderID
	look := "flexusl instance list"
	if region != "" {
		look += " --region " + region
	}
	// What is left of the timeout, as people read it (the message says
	// how long the instances were waited for).
	if timeout = max(timeout, 0); timeout >= time.Second {
		timeout = timeout.Round(time.Second)
	} else {
		timeout = timeout.Round(time.Millisecond)
	}
	p := f.IO.StartWait(fmt.Sprintf("order %s: waiting for its instances", orderID), f.Clock())
	rs, werr := instance.WaitRunning(ctx, client, ids, instance.WaitOptions{
		Region: region, Timeout: timeout, Interval: interval,
		What: "the instances of order " + orderID, Resume: resume + " (or look with: " + look + ")",
		OnEvent: func(e wait.Event) {
			text := fmt.Sprintf("order %s: instances %s", orderID, e.State.Text)
			if e.State.Text == "" {
				text = fmt.Sprintf("order %s: waiting for its instances", orderID)
			}
			p.Show(text, e.Transient)
		}})
	p.Stop()
	vs := make([]instance.View, len(rs))
	for i := range rs {
		vs[i] = instance.NewView(&rs[i])
	}
	RememberInstances(f, vs, false, "")
	if werr != nil && !followedToTheEnd(werr) {
		f.IO.Warnf("order %s completed: its instances (%s) are created, but they could not be followed: %s",
			orderID, strings.Join(ids, ", "), FirstLine(werr.Error()))
		if a := Advice(werr); a != "" {
			f.IO.Warnf("%s", a)
		}
		f.IO.Infof("Look at them later with: %s (listing instances needs the IAM permission %s).", look, service.ListInstances.Get().Permission)
		return vs, nil
	}
	return vs, werr
}

// firstLoginHint tells, on stderr, how to log in to new instances the
// first time: the purchase API sets no login password, so it is set (ECS
// reset-password) and takes effect after a restart.
func firstLoginHint(f *Factory, vs []instance.View) {
	var ids []string
	for _, v := range vs {
		if api.ValidID(v.ID) && v.PublicIP != "" {
			ids = append(ids, v.ID)
		}
	}
	if len(ids) == 0 {
		return
	}
	list := strings.Join(ids, " ")
	f.IO.Infof("To log in the first time (the purchase sets no password): flexusl instance reset-password %s, then flexusl instance reboot %s, then flexusl instance ssh %s", list, list, ids[0])
}

// followedToTheEnd reports whether an instance wait ended on what it
// watched: the instances failed (exit 4), the time ran out (exit 5) or the
// user stopped it (exit 130). Any other error means they could not be
// watched at all.
func followedToTheEnd(err error) bool {
	switch exitcode.Of(err) {
	case exitcode.OrderFailed, exitcode.Timeout, exitcode.Interrupted:
		return true
	}
	return false
}

// PrintWithInstances prints a result that may carry instances (buy --wait,
// order wait): JSON and YAML print data as is (its "instances" key); a
// table prints tbl, then, when there are instances, each with its public
// IP (not with --columns: those columns only).
func (f *Factory) PrintWithInstances(data any, tbl output.TableFunc, vs []instance.View) error {
	if err := f.Print(data, tbl); err != nil {
		return err
	}
	firstLoginHint(f, vs)
	format, _ := f.OutputFormat()
	if s, _ := f.Shape(); s != nil || format != output.Table || len(vs) == 0 {
		return nil
	}
	h, rows := instance.AddressTable(vs)
	fmt.Fprintln(f.IO.Out)
	if err := output.WriteTable(f.IO.Out, h, rows); err != nil {
		return fmt.Errorf("print result: %w", err)
	}
	return nil
}
