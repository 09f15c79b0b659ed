// Package applycmd holds `flexusl apply`: make the account's FlexusL
// instances what a fleet file declares, never buying twice.
package applycmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/catalog"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/filelock"
	"github.com/flexusl/flexusl/pkg/firewall"
	"github.com/flexusl/flexusl/pkg/fleet"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/output"
	"github.com/flexusl/flexusl/pkg/price"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/purchase"
	"github.com/flexusl/flexusl/pkg/ui"
	"github.com/google/uuid"
	"github.com/spf13/cobra"
)

// Short is the command's one-line help (the root lists it from a stand-in).
const Short = "Make your FlexusL instances what a fleet file declares; CI re-runs never buy twice"

// Options are the inputs of `flexusl apply`.
type Options struct {
	File                      string
	Yes, DryRun, Wait         bool
	NoPrice                   bool
	WaitTimeout, WaitInterval time.Duration
	stdin                     io.Reader
}

// Bought is one purchase apply made (JSON keys stable).
type Bought struct {
	Name            string   `json:"name"`
	Region          string   `json:"region"`
	OrderID         string   `json:"order_id"`
	InstanceIDs     []string `json:"instance_ids"`
	ClientRequestID string   `json:"client_request_id"`
	OrderStatus     string   `json:"order_status,omitempty"` // with --wait: the last status seen
}

// Change is one auto-renew or firewall change apply made (JSON keys
// stable).
type Change struct {
	Op     string `json:"op"` // auto_renew, allow, deny
	Name   string `json:"name,omitempty"`
	Region string `json:"region"`
	ID     string `json:"id,omitempty"` // the instance, or the rule created
	Rule   string `json:"rule,omitempty"`
	Group  string `json:"group,omitempty"`
	Status string `json:"status"` // done, already, failed
	Error  string `json:"error,omitempty"`
}

// Result is what `flexusl apply` prints (without --dry-run).
type Result struct {
	Fleet   string      `json:"fleet"`
	Plan    *fleet.Plan `json:"plan"`
	Bought  []Bought    `json:"bought"`
	Changed []Change    `json:"changed"`
	// After is the plan once apply is done ("pending" 0 and "held" 0 when
	// the account is as declared).
	After *fleet.Plan `json:"after"`
}

// applyLong is the help of `apply`.
const applyLong = `Make the account's FlexusL instances what a fleet file declares: buy the
instances it lacks, then open the firewall rules and set the auto-renewal
the file gives. Apply never unsubscribes, renews, starts, stops or changes
the spec of an instance: those stay explicit commands, and the plan shows
any such difference as drift.

The fleet file (YAML or JSON; at most 1 MiB; -f - reads stdin) names the
fleet, defaults for every instance, the instances, and the rules of each
region; its keys are the flags of instance buy and firewall allow in
snake_case (see configs/fleet.example.yaml):

  fleet: ci-web
  defaults: {region: ap-southeast-3, image: Ubuntu, image_version: "22.04",
             spec: hf.large.1.30m.linux, period: 1, auto_renew: true, auto_pay: true}
  instances:
    - name: web-1
    - {name: web-2, region: tr-west-1, data_disk: 50}
  firewall:
    - region: ap-southeast-3
      rules:
        - {action: allow, protocol: tcp, ports: "22", from: 0.0.0.0/0}

Instance keys: name, region, image, image_version, image_id, spec, period,
period_type, auto_renew, auto_pay, data_disk, backup, hss, tags (a mapping),
description. Rule keys: action, protocol, ports, from, priority,
description, direction. It is read strictly, as instance buy --from-file
reads: unknown or repeated keys, wrong types, text that is not UTF-8 and
YAML that JSON would not accept are errors naming the path
(instances[1].spec); every instance is validated against the catalog as
instance buy validates it and every rule as firewall allow does; all
problems at once, exit 2, nothing sent.

Identity: every instance apply buys carries the tag flexusl-fleet=FLEET;
an instance of the file is the RMS instance of its name in its region with
that tag. One that RMS lists without any flexusl-fleet tag is matched by
name and region, and the plan says so; instances of other fleets and
instances the file does not name are never touched.

The plan comes first, one line each: "+ buy web-2 (spec, image, period,
region)", "~ auto-renew on web-1", "+ allow tcp 22 from ... (group;
instances)", "= web-1 (as declared)", "! web-3 ... drift, not changed"
(a spec that differs, an instance stopped or frozen), "? web-4 ... held"
(see below). Each purchase shows its price, asked of BSS as instance buy
asks it ("price: not available (why)" when BSS gives none; --no-price
skips the inquiry). On a terminal apply asks before changing anything; without
one it needs --yes. --dry-run prints the plan and changes nothing: exit 0
when nothing is pending, exit 6 when changes are pending or held (1 is a
failure, 2 invalid input), so a CI step can tell the three apart.

Never twice, across runners: before buying, apply looks for purchases that
may still be under way: the account's new-purchase orders pending payment
or processing (BSS, created in the last 7 days) and those completed in the
last hour whose instances RMS does not list yet, instances of the fleet
RMS lists as not running yet, and attempts in this machine's journal
whose outcome is unknown (the last 24 hours). An order this machine's
journal ties to an instance holds that instance; an order it cannot tie
to one (placed by another runner, or by hand) holds every purchase. A held
purchase is not made: apply names the orders and says how to go on (wait
for them, pay or cancel them), and exits 1. Two applies of the same fleet
on one machine take turns (a lock next to the journal).

Applying: purchases one at a time, each as instance buy makes it
(journaled before it is sent, never retried after an unknown outcome: the
first unknown outcome stops the run with the advice to look before anything
is run again). With --wait apply then follows each order until its
instances run with a public IP (within --timeout), and adds the declared
rules (journaled, once; a rule already there is not sent) and sets
auto-renew where it differs. Without --wait the rules of the new
instances' group wait for the next run. A second run right after a
successful one plans nothing.`

// NewCmdApply is `flexusl apply`; runF replaces the run in tests.
func NewCmdApply(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:   "apply -f FILE [--dry-run | --yes] [--wait]",
		Short: Short,
		Long:  applyLong,
		Example: `  # see what would change (exit 0: nothing; 6: changes pending)
  flexusl apply -f fleet.yaml --dry-run

  # CI: apply without asking, wait until every instance runs
  flexusl apply -f fleet.yaml --yes --wait --timeout 30m

  # the plan as JSON
  flexusl apply -f fleet.yaml --dry-run -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.stdin = f.IO.In
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.File, "file", "f", "", "(required) the fleet file (YAML or JSON, at most 1 MiB), or - for stdin")
	cmdutil.YesFlag(fl, &opts.Yes, "apply")
	// Not cmdutil.DryRunFlag: apply's dry run prints the plan, not requests.
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the plan and change nothing: exit 0 when nothing is pending, 6 when changes are")
	fl.BoolVar(&opts.NoPrice, "no-price", false, cmdutil.NoPriceFlagUsage)
	cmdutil.WaitFlags(fl, &opts.Wait, "wait for each purchase's instances to run with a public IP, then add the rules and set auto-renew", &opts.WaitTimeout, &opts.WaitInterval, 30*time.Minute)
	cmdutil.JSONKeys(cmd, "", Result{})
	cmdutil.JSONKeys(cmd, "with --dry-run", fleet.Plan{})
	return cmd
}

func run(ctx context.Context, f *cmdutil.Factory, opts *Options) error {
	cat, err := f.Catalog()
	if err != nil {
		return err
	}
	if _, err := f.OutputFormat(); err != nil {
		return err
	}
	file, err := readFile(opts, cat)
	if err != nil {
		return err
	}
	client, err := f.APIClient()
	if err != nil {
		return err
	}
	jpath, err := f.JournalPath()
	if err != nil {
		return fmt.Errorf("%w (nothing was sent)", err)
	}
	confirm := cmdutil.Confirm{Yes: opts.Yes, Verb: "apply", Else: ", or --dry-run to see the plan"}
	if !opts.DryRun {
		if err := confirm.Check(f); err != nil {
			return err
		}
		unlock, err := lock(ctx, f, jpath, file.Fleet)
		if err != nil {
			return fmt.Errorf("%w (nothing was sent)", err)
		}
		defer unlock()
	}
	plan, err := makePlan(ctx, f, client, file, jpath)
	if err != nil {
		return err
	}
	if !opts.NoPrice {
		priceBuys(ctx, client, plan)
		if ctx.Err() != nil {
			return exitcode.Errorf(exitcode.Interrupted, "interrupted while asking for the prices: nothing was sent")
		}
	}
	if opts.DryRun {
		return dryRun(f, plan)
	}

	fmt.Fprint(f.IO.ErrOut, plan.Text())
	res := &Result{Fleet: file.Fleet, Plan: plan, Bought: []Bought{}, Changed: []Change{}}
	if plan.Doable() == 0 {
		res.After = plan
		return finish(f, res)
	}
	if err := confirm.Ask(f, "", "Apply these changes?"); err != nil { // the plan is the summary, printed above
		return err
	}

	stop := carryOut(ctx, f, client, file, jpath, plan, opts, res)
	if stop != nil {
		// What was bought is printed whatever stopped the run: a script
		// must never lose an order ID.
		if perr := printResult(f, res); perr != nil {
			return perr
		}
		return stop
	}
	return finish(f, res)
}

// dryRun prints the plan: exit 0 when nothing is pending, 6 (quietly)
// when changes are.
func dryRun(f *cmdutil.Factory, plan *fleet.Plan) error {
	if err := printPlan(f, plan); err != nil {
		return err
	}
	if !plan.Converged() {
		return exitcode.Quietf(exitcode.Changes, "%d change(s) pending, %d held", plan.Pending, plan.Held)
	}
	return nil
}

// carryOut applies a confirmed plan: the purchases one at a time (the
// first failure stops them), with --wait each order and its instances,
// then the rules and auto-renew from a fresh look at the account. What
// it did goes into res; the error is what stopped it.
func carryOut(ctx context.Context, f *cmdutil.Factory, client *api.Client, file *fleet.File, jpath string, plan *fleet.Plan, opts *Options, res *Result) error {
	// 1. Purchases, one at a time; the first failure stops them.
	var stop error
	for _, it := range plan.Items {
		if it.Op != fleet.OpBuy {
			continue
		}
		b, err := buy(ctx, f, client, it.Instance())
		if b != nil {
			res.Bought = append(res.Bought, *b)
		}
		if err != nil {
			stop = err
			break
		}
	}
	// 2. --wait: each order, then its instances.
	if stop == nil && opts.Wait && len(res.Bought) > 0 {
		stop = waitAll(ctx, f, res.Bought, opts)
	}
	// 3. Rules and auto-renew, from a fresh look at the account (which
	// now includes what was bought and has run).
	if stop == nil {
		after, err := makePlan(ctx, f, client, file, jpath)
		if err != nil {
			stop = err
		} else {
			res.Changed, stop = change(ctx, f, client, after)
			if stop == nil {
				if after, err = makePlan(ctx, f, client, file, jpath); err != nil {
					stop = err
				}
			}
			res.After = after
		}
		// After a purchase, as with instance buy --open: a rule or setting
		// that failed is a warning, never the purchase's exit code (a
		// script must not take a completed purchase for a failed one).
		// The next apply finds what is still missing and sends only that.
		if stop != nil && len(res.Bought) > 0 && ctx.Err() == nil {
			msg := "the instances were bought, but the rules and settings could not all be applied: " + stop.Error()
			if a := cmdutil.Advice(stop); a != "" {
				msg += "\n" + a
			}
			f.IO.Warnf("%s\nApply again to finish (what is there already is not sent again).", msg)
			stop = nil
		}
	}
	return stop
}

// finish prints the result; purchases held back are a failure (exit 1)
// with the advice; otherwise success.
func finish(f *cmdutil.Factory, res *Result) error {
	if err := printResult(f, res); err != nil {
		return err
	}
	if n := res.Plan.HeldPurchases(); n > 0 {
		return cmdutil.WithAdvice(exitcode.Errorf(exitcode.Failure, "fleet %s: %d purchase(s) held back: nothing was bought for them", res.Fleet, n), res.Plan.Advice())
	}
	if res.After != nil && res.After.Held > 0 {
		f.IO.Infof("Some instances are not running yet: apply again (or with --wait) once they run to add their rules and settings.")
	}
	return nil
}

// readFile reads and validates the fleet file: exit 2 on any problem.
func readFile(opts *Options, cat *catalog.Catalog) (*fleet.File, error) {
	if opts.File == "" {
		return nil, cmdutil.UsageErrorf("-f/--file is required: the fleet file (see flexusl apply --help and configs/fleet.example.yaml)")
	}
	if opts.Wait && (opts.WaitTimeout <= 0 || opts.WaitInterval <= 0) {
		return nil, cmdutil.ProblemsError(problem.Problems{{Field: "--timeout/--interval", Value: fmt.Sprintf("%s/%s", opts.WaitTimeout, opts.WaitInterval), Reason: "must be positive"}}, nil)
	}
	data, err := purchase.ReadFile(opts.File, opts.stdin)
	if err != nil {
		return nil, cmdutil.UsageErrorf("--file: %v (nothing was sent)", err)
	}
	file, ps := fleet.Decode(data, cat)
	if len(ps) > 0 {
		name := opts.File
		if name == "-" {
			name = "stdin"
		}
		for i := range ps {
			ps[i].Field = name + ": " + ps[i].Field
		}
		return nil, cmdutil.ProblemsError(ps, nil)
	}
	return file, nil
}

// lock takes the lock of the fleet on this machine, next to the journal:
// a second apply of the same fleet waits for the first (and says so after
// a second), then plans from what the first one did.
func lock(ctx context.Context, f *cmdutil.Factory, journalPath, fleetName string) (func(), error) {
	dir := filepath.Dir(journalPath)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("the apply lock: %w", err)
	}
	path := filepath.Join(dir, "apply-"+fleetName+".lock")
	type locked struct {
		unlock func()
		err    error
	}
	done := make(chan locked, 1)
	go func() {
		u, err := filelock.LockPath(path)
		done <- locked{u, err}
	}()
	wait := time.NewTimer(time.Second)
	defer wait.Stop()
	for {
		select {
		case l := <-done:
			return l.unlock, l.err
		case <-wait.C:
			f.IO.Infof("Waiting for another apply of fleet %s on this machine to finish (lock %s)...", fleetName, path)
		case <-ctx.Done():
			return nil, exitcode.Errorf(exitcode.Interrupted, "interrupted while waiting for another apply of fleet %s", fleetName)
		}
	}
}

// makePlan reads the account and this machine's journal and plans.
func makePlan(ctx context.Context, f *cmdutil.Factory, client *api.Client, file *fleet.File, jpath string) (*fleet.Plan, error) {
	entries, _, err := journal.Read(jpath)
	if err != nil {
		return nil, fmt.Errorf("read the journal %s to look for purchases in flight: %w (nothing was sent)", jpath, err)
	}
	profile := ""
	if cfg, err := f.Config(); err == nil {
		profile = cfg.Profile()
	}
	mine := entries[:0:0]
	for _, e := range entries {
		if e.Profile == profile {
			mine = append(mine, e)
		}
	}
	var p *ui.Progress
	if f.IO.IsStderrTTY() {
		p = f.IO.StartProgress("reading the account (RMS, BSS, VPC)...")
	}
	st, err := fleet.Read(ctx, client, file, mine, f.Clock())
	if p != nil {
		p.Stop()
	}
	if err != nil {
		return nil, fmt.Errorf("%w (nothing was sent)", err)
	}
	return fleet.Build(file, st), nil
}

// priceBuys asks BSS the price of each purchase of the plan, as instance
// buy does: a read within price.Timeout each, never journaled; a price
// that cannot be had is noted, not an error.
func priceBuys(ctx context.Context, client *api.Client, p *fleet.Plan) {
	c := client.WithNotify(nil)
	for i := range p.Items {
		it := &p.Items[i]
		if it.Op != fleet.OpBuy {
			continue
		}
		q, err := cmdutil.Inquire(ctx, func(ctx context.Context) (*price.Quote, error) { return price.Purchase(ctx, c, it.Instance().Request) })
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			it.PriceNote = cmdutil.PriceText("", err)
			continue
		}
		it.Price = q
	}
}

// buy makes one purchase as instance buy makes it (cmdutil.Purchase).
func buy(ctx context.Context, f *cmdutil.Factory, client *api.Client, in *fleet.Instance) (*Bought, error) {
	crid := uuid.NewString()
	prep, err := client.PrepareCreate(crid, in.Request)
	if err != nil {
		return nil, err
	}
	f.IO.Infof("Buying %s in %s (Client-Request-Id %s)...", in.Name, in.Region, crid)
	res, err := cmdutil.Purchase(ctx, f, client, prep, in.Request, crid)
	if err != nil {
		return nil, err
	}
	if !in.Request.AutoPay() {
		f.IO.Infof("Order %s is waiting for payment: pay it with `flexusl order pay %s`; apply holds %s until it completes.", res.OrderID, res.OrderID, in.Name)
	} else {
		f.IO.Infof("Order %s placed for %s.", res.OrderID, in.Name)
	}
	return &Bought{Name: in.Name, Region: in.Region, OrderID: res.OrderID, InstanceIDs: res.InstanceIDs, ClientRequestID: crid}, nil
}

// justPlacedGrace is how long apply waits through BSS not listing an
// order it was just given (as instance buy --wait does).
const justPlacedGrace = 2 * time.Minute

// waitAll follows each order, then its instances, within one --timeout.
func waitAll(ctx context.Context, f *cmdutil.Factory, bought []Bought, opts *Options) error {
	start := time.Now()
	for i := range bought {
		b := &bought[i]
		left := opts.WaitTimeout - time.Since(start)
		view, err := cmdutil.WaitOrder(ctx, f, b.OrderID, b.Region, b.InstanceIDs, left, opts.WaitInterval, justPlacedGrace)
		if view != nil {
			b.OrderStatus = view.StatusText
		}
		if err != nil {
			return err
		}
		if _, err := cmdutil.WaitInstances(ctx, f, b.OrderID, b.Region, b.InstanceIDs, opts.WaitTimeout-time.Since(start), opts.WaitInterval); err != nil {
			return err
		}
	}
	return nil
}

// change makes the plan's auto-renew and rule changes (purchases are not
// made here: a buy item in a later plan waits for the next run). The
// first unknown outcome stops the changes.
func change(ctx context.Context, f *cmdutil.Factory, client *api.Client, p *fleet.Plan) ([]Change, error) {
	out := []Change{}
	var fws map[string]*firewall.Firewall
	for _, it := range p.Items {
		switch it.Op {
		case fleet.OpAutoRenew:
			c := Change{Op: it.Op, Name: it.Name, Region: it.Region, ID: it.ID}
			call := cmdutil.SetAutoRenew(ctx, f, client, it.ID, it.Name, it.Region, *it.AutoRenew, api.AutoRenewRequest{})
			switch {
			case call.Err == nil:
				c.Status = "done"
				f.IO.Infof("Auto-renew of %s is %s.", it.Name, onOff(*it.AutoRenew))
			default:
				c.Status, c.Error = "failed", cmdutil.FirstLine(call.Err.Error())
				out = append(out, c)
				return out, call.Err
			}
			out = append(out, c)
		case fleet.OpAllow, fleet.OpDeny:
			if it.GroupID == "" {
				continue // the new instances' group: not known until they exist
			}
			if fws == nil {
				fws = map[string]*firewall.Firewall{}
			}
			fw := fws[it.Region]
			if fw == nil {
				var err error
				if fw, err = cmdutil.LoadRegionFirewall(ctx, f, client, it.Region); err != nil {
					return out, err
				}
				fws[it.Region] = fw
			}
			c := Change{Op: it.Op, Region: it.Region, Rule: it.Rule, Group: it.Group}
			g := fw.Group(it.GroupID)
			if g == nil {
				c.Status, c.Error = "failed", "the group "+it.GroupID+" is gone"
				out = append(out, c)
				continue
			}
			if _, ok := it.FirewallRule().Find(g.Rules); ok {
				c.Status = "already"
				out = append(out, c)
				continue
			}
			if d, ok := it.FirewallRule().FindDisabled(g.Rules); ok {
				c.Status, c.Error = "failed", "the rule exists but is disabled (rule "+d.ID+"): enable it or delete it first; nothing was sent"
				out = append(out, c)
				continue
			}
			rule, err := cmdutil.CreateRule(ctx, f, client, fw, g, it.FirewallRule())
			if err != nil {
				c.Status, c.Error = "failed", cmdutil.FirstLine(err.Error())
				out = append(out, c)
				return out, err
			}
			c.Status, c.ID = "done", rule.ID
			f.IO.Infof("Added %s in %s (rule %s); it applies to: %s.", it.Rule, it.Group, rule.ID, strings.Join(it.Instances, ", "))
			out = append(out, c)
		}
	}
	return out, nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// printPlan prints a plan: its lines for people, or JSON/YAML.
func printPlan(f *cmdutil.Factory, p *fleet.Plan) error {
	format, err := f.OutputFormat()
	if err != nil {
		return err
	}
	if s, _ := f.Shape(); s == nil && format == output.Table {
		_, err := io.WriteString(f.IO.Out, p.Text())
		return err
	}
	return f.Print(p, func() ([]string, [][]string) { return planTable(p) })
}

func planTable(p *fleet.Plan) ([]string, [][]string) {
	rows := make([][]string, 0, len(p.Items))
	for _, it := range p.Items {
		what := it.Name
		if it.Rule != "" {
			what = it.Rule
		}
		rows = append(rows, []string{symbol(it.Op), it.Op, cmdutil.Dash(what), cmdutil.Dash(it.Region), cmdutil.Dash(it.ID), it.Why})
	}
	return []string{"", "OP", "WHAT", "REGION", "ID", "WHY"}, rows
}

func symbol(op string) string {
	switch op {
	case fleet.OpBuy, fleet.OpAllow, fleet.OpDeny:
		return "+"
	case fleet.OpAutoRenew:
		return "~"
	case fleet.OpKeep:
		return "="
	case fleet.OpDrift:
		return "!"
	}
	return "?"
}

func printResult(f *cmdutil.Factory, r *Result) error {
	return f.Print(r, func() ([]string, [][]string) {
		var rows [][]string
		for _, b := range r.Bought {
			rows = append(rows, []string{"bought", b.Name, b.Region, b.OrderID + " " + strings.Join(b.InstanceIDs, ","), cmdutil.Dash(b.OrderStatus)})
		}
		for _, c := range r.Changed {
			what := c.Rule
			if c.Op == fleet.OpAutoRenew {
				what = "auto-renew " + c.Name
			}
			status := c.Status
			if c.Error != "" {
				status += ": " + c.Error
			}
			rows = append(rows, []string{c.Op, what, c.Region, cmdutil.Dash(c.ID), status})
		}
		if r.After != nil {
			rows = append(rows, []string{"plan", "after: " + r.After.Summary(), "", "", ""})
		}
		return []string{"DONE", "WHAT", "REGION", "ID", "STATUS"}, rows
	})
}
