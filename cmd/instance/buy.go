package instancecmd

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/catalog"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/firewall"
	"github.com/flexusl/flexusl/pkg/instance"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/order"
	"github.com/flexusl/flexusl/pkg/output"
	"github.com/flexusl/flexusl/pkg/price"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/purchase"
	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// BuyOptions are the inputs of `instance buy`, filled by flags.
type BuyOptions struct {
	Name, Description         string
	Spec                      string
	Image, ImageVersion       string
	ImageID                   string
	PeriodType                string
	Period, Quantity          int
	AutoRenew, AutoPay        bool
	DataDisk, Backup          int
	HSS                       bool
	Tags                      []string
	ClientRequestID           string
	FromFile                  string
	NoValidate, Yes, DryRun   bool
	NoPrice                   bool
	Wait                      bool
	WaitTimeout, WaitInterval time.Duration
	Open                      []string // --open: TCP ports to open once the instances run
	OpenFrom                  string
	changed                   func(name string) bool
	stdin                     io.Reader
}

// flagOf names the flag that sets each request field, for errors.
var flagOf = map[string]string{
	purchase.FInstanceName: "--name", purchase.FDescription: "--description", purchase.FPlanSpec: "--spec",
	purchase.FImageName: "--image", purchase.FImageVersion: "--image-version", purchase.FImageID: "--image-id",
	purchase.FImageRef: "--image/--image-id", purchase.FRegion: "--region", purchase.FPeriodType: "--period-type",
	purchase.FPeriodNum: "--period", purchase.FPurchaseQuantity: "--quantity", purchase.FIsAutoRenew: "--auto-renew",
	purchase.FIsAutoPay: "--auto-pay", purchase.FClientRequestID: "--client-request-id",
}

// buyLong is the help of `instance buy`.
const buyLong = `Buy one or more FlexusL instances with POST /v1/light-instances.

Every input is checked offline against the catalog first (image, version,
spec and region combinations, and every rule of the purchase page); all
violations are reported at once and nothing is sent (exit 2).

On a terminal it shows what will be bought and asks for confirmation;
without a terminal it needs --yes and never prompts; Ctrl-C at the prompt
cancels (exit 130, nothing sent). The attempt is written to the local
journal before the request is sent (if it cannot be, nothing is sent), and
its outcome (the order ID) before anything is printed; the next purchase
warns about an earlier one whose outcome is unknown. A request is retried
(with the same Client-Request-Id) only when the server provably did not get
it: HTTP 429, or no connection could be made. After a server error, a
timeout or a lost connection the outcome is unknown: flexusl does not retry,
prints the Client-Request-Id, journals the attempt as "unknown" and exits 1
(130 when interrupted: Ctrl-C, SIGTERM, SIGQUIT or a closed terminal's
SIGHUP during the request all leave it journaled as unknown).

Required: --name, --spec, --region (flag, FLEXUSL_REGION or the profile)
and one of --image or --image-id, unless --from-file supplies them.
--from-file reads a request body in the API's own JSON or YAML shape (at
most 1 MiB; - reads stdin); flags given override its fields, and fields it
leaves out get the flags' defaults (period_type month, period_num 1). It is
read strictly: unknown or repeated keys, wrong types, text that is not
UTF-8, and YAML that JSON would not accept (anchors, aliases, merge keys,
tags, numbers such as 0x1 or +1) are errors naming the field. An example:
purchase.example.yaml, in examples/ of the release archive,
/usr/share/doc/flexusl/examples/ of the deb and rpm, configs/ of the
source. --no-validate skips the catalog checks (not
the format checks), for plans newer than the catalog.

Before confirming it asks BSS what the purchase will cost (the rating call
subscribe-rate: plan, quantity and period; extra resources are not priced)
and shows "price:" with the currency, the list price and the best discount
BSS offers. FlexusL's BSS product codes are not documented, so the
inquiry may fail (no product for the plan, a 403 for a missing billing
permission, a network error, no answer within 5s): then it shows "price:
not available (why)" and the purchase goes on exactly as without it. The
inquiry is a read, never journaled, and never delays a --yes run by more
than 5s; --no-price skips it, and so does --dry-run without credentials.
JSON output carries it as "price": {"currency", "official_amount",
"amount", "discount_amount", "discount", "excludes"} (numbers in the
currency's unit), left out when there is none.

With --wait it then follows the order until it completes, then its
instances until each is RUNNING with a public IP (exit 0; the table adds
INSTANCE ID / PUBLIC IP rows, JSON an "instances" array in the instance
list shape), all within --timeout. A cancelled order exits 4; a timeout
exits 5 with the command that looks again. A completed order is a completed
purchase: when its instances cannot be followed (RMS refuses the listing
without rms:resources:list, or RMS or IAM cannot be reached) it exits 0 with
a warning saying how to look later. The result (with the last order status
seen) is printed in every case, so the order ID is never lost.

--open 22,80,443 (with --wait) then opens those TCP ports in the security
group the instances are put in (sg-default-smb, shared by every FlexusL
instance of the region: the confirmation says so), from anywhere unless
--open-from CIDR narrows it; ports already open are not touched, and the
rule is added once, journaled (kind firewall). A failure to open is a
warning: the purchase still exits 0. See flexusl firewall --help.

Without a terminal, --wait without --auto-pay needs --timeout (how long to
wait for a payment made elsewhere): otherwise it is refused before anything
is sent (exit 2), since nobody there can pay.`

// NewCmdBuy is `flexusl instance buy`; runF replaces the run in tests.
func NewCmdBuy(f *cmdutil.Factory, runF func(*BuyOptions) error) *cobra.Command {
	opts := &BuyOptions{}
	cmd := &cobra.Command{
		SuggestFor: []string{"create", "new", "purchase", "add"},
		Use:        "buy --name NAME --spec CODE (--image NAME [--image-version V] | --image-id ID) [flags]",
		Short:      "Buy FlexusL instances (validated offline, confirmed, never sent twice)",
		Long:       buyLong,
		Example: `  # interactive: shows what will be bought and asks
  flexusl instance buy --region ap-southeast-3 --name web-1 --image WordPress --spec hf.large.1.30m.linux

  # a script: JSON result, no prompt
  flexusl instance buy --region ap-southeast-3 --name web-1 --image Ubuntu --image-version 22.04 \
    --spec hf.large.2.30m.linux --period 3 --auto-pay --data-disk 50 --hss --tag env=prod --yes -o json

  # CI: the purchase kept in a file, wait until the instances exist
  flexusl instance buy --from-file purchase.yaml --yes --wait --timeout 20m -o json

  # no price inquiry first (the rating call is skipped)
  flexusl instance buy --region ap-southeast-3 --name web-2 --image BT --spec hf.large.1.30m.linux --no-price --yes

  # a web server reachable at once: SSH from one address, the web from anywhere
  flexusl instance buy --region ap-southeast-3 --name web-2 --image WordPress --spec hf.large.1.30m.linux \
    --auto-pay --yes --wait --open 80,443

  # see the exact request without sending it (and its price, when logged in)
  flexusl instance buy --region tr-west-1 --name db --image-id 7f1c... --spec hf.large.4.30m.linux --dry-run -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.changed = cmd.Flags().Changed
			opts.stdin = f.IO.In
			if cmd.Flags().Changed("plan-spec") {
				if cmd.Flags().Changed("spec") && opts.Spec != cmd.Flags().Lookup("plan-spec").Value.String() {
					return cmdutil.UsageErrorf("--spec and --plan-spec (its alias) disagree")
				}
				opts.Spec = cmd.Flags().Lookup("plan-spec").Value.String()
			}
			if runF != nil {
				return runF(opts)
			}
			return buyRun(cmd.Context(), f, opts)
		},
	}
	addBuyFlags(cmd.Flags(), opts)
	cmdutil.RegisterBuyCompletions(cmd, f)
	cmdutil.JSONKeys(cmd, "", BuyResult{})
	cmdutil.JSONKeys(cmd, "with --dry-run", cmdutil.DryRunRequest{})
	return cmd
}

// addBuyFlags declares the flags of `instance buy`.
func addBuyFlags(fl *pflag.FlagSet, opts *BuyOptions) {
	fl.StringVar(&opts.Name, "name", "", "(required) instance name (instance_name): starts with a letter; letters, digits, _ and -; 1-128 characters")
	fl.StringVar(&opts.Description, "description", "", "description, 0-1024 characters")
	fl.StringVar(&opts.Spec, "spec", "", "(required) plan spec code (plan_spec), e.g. hf.large.1.30m.linux; see: flexusl specs list")
	fl.String("plan-spec", "", "alias of --spec")
	fl.StringVar(&opts.Image, "image", "", "(required: this or --image-id) application or OS image name (image_ref.image_name); see: flexusl images list")
	fl.StringVar(&opts.ImageVersion, "image-version", "", "image version (image_ref.image_version); may be left out when the image has one version")
	fl.StringVar(&opts.ImageID, "image-id", "", "private image ID (image_ref.image_id); excludes --image")
	fl.StringVar(&opts.PeriodType, "period-type", purchase.PeriodMonth, "subscription period: month or year")
	fl.IntVar(&opts.Period, "period", 1, "number of periods (period_num): 1-9 months or 1-3 years")
	fl.IntVar(&opts.Quantity, "quantity", 1, "number of instances (purchase_quantity), 1-200")
	fl.BoolVar(&opts.AutoRenew, "auto-renew", false, "renew automatically at the end of the period")
	fl.BoolVar(&opts.AutoPay, "auto-pay", false, "pay from the account balance at once (otherwise the order waits for payment: flexusl order pay)")
	fl.IntVar(&opts.DataDisk, "data-disk", 0, "add a data disk (evs) of this many GiB, 10-2048")
	fl.IntVar(&opts.Backup, "backup", 0, "add cloud backup (cbr) of this many GiB, 10-2048")
	fl.BoolVar(&opts.HSS, "hss", false, "add host security (hss)")
	fl.StringArrayVar(&opts.Tags, "tag", nil, "tag as key=value (repeatable); key 1-32 characters, value 0-2048")
	fl.StringVar(&opts.ClientRequestID, "client-request-id", "", "Client-Request-Id header (default: a fresh UUID v4)")
	fl.StringVar(&opts.FromFile, "from-file", "", "read the request body (API JSON or YAML shape, at most 1 MiB) from FILE, or - for stdin; missing period_type/period_num default to month/1")
	fl.BoolVar(&opts.NoValidate, "no-validate", false, "skip the catalog checks (format checks still run)")
	cmdutil.YesFlag(fl, &opts.Yes, "buy")
	cmdutil.DryRunFlag(fl, &opts.DryRun, " (after every check)")
	fl.BoolVar(&opts.NoPrice, "no-price", false, cmdutil.NoPriceFlagUsage)
	cmdutil.WaitFlags(fl, &opts.Wait, "wait for the order to complete and its instances to run with a public IP", &opts.WaitTimeout, &opts.WaitInterval, 30*time.Minute)
	fl.StringArrayVar(&opts.Open, "open", nil, "with --wait: open these TCP ports (22,80,443; ranges low-high) in the instances' security group once they run; ports already open are not touched")
	fl.StringVar(&opts.OpenFrom, "open-from", "", "with --open: the address or CIDR the ports open to (default anywhere: 0.0.0.0/0)")
}

// buildRequest reads the file (if any) and puts the flags over it. Without
// a file, flags with defaults (period type, period) count as given.
func buildRequest(opts *BuyOptions, region string, regionFromFlag bool) (*purchase.Request, problem.Problems, error) {
	r := &purchase.Request{}
	if opts.FromFile != "" {
		data, err := purchase.ReadFile(opts.FromFile, opts.stdin)
		if err != nil {
			return nil, nil, cmdutil.UsageErrorf("--from-file: %v (nothing was sent)", err)
		}
		fr, ps := purchase.DecodeFile(data)
		if len(ps) > 0 {
			return nil, nil, cmdutil.ProblemsError(prefix(ps, "--from-file: "), nil)
		}
		r = fr
	}
	given := func(flags ...string) bool {
		for _, fl := range flags {
			if opts.changed(fl) {
				return true
			}
		}
		return false
	}
	noFile := opts.FromFile == ""
	o := purchase.Overrides{
		Name:         ifGiven(given("name") || noFile, &opts.Name),
		Description:  ifGiven(given("description"), &opts.Description),
		Spec:         ifGiven(given("spec", "plan-spec") || noFile, &opts.Spec),
		Image:        ifGiven(given("image"), &opts.Image),
		ImageVersion: ifGiven(given("image-version"), &opts.ImageVersion),
		ImageID:      ifGiven(given("image-id"), &opts.ImageID),
		Region:       ifGiven(regionFromFlag || r.Region == "", &region), // the file's region beats env and profile
		PeriodType:   ifGiven(given("period-type") || noFile, &opts.PeriodType),
		Period:       ifGiven(given("period") || noFile, &opts.Period),
		Quantity:     ifGiven(given("quantity"), &opts.Quantity),
		AutoRenew:    ifGiven(given("auto-renew"), &opts.AutoRenew),
		AutoPay:      ifGiven(given("auto-pay"), &opts.AutoPay),
		DataDisk:     ifGiven(given("data-disk"), &opts.DataDisk),
		Backup:       ifGiven(given("backup"), &opts.Backup),
		HSS:          ifGiven(given("hss"), &opts.HSS),
	}
	if given("tag") {
		o.Tags = opts.Tags
	}
	return r, r.Apply(o), nil
}

// ifGiven is v when the flag was given, else nil (not given).
func ifGiven[T any](given bool, v *T) *T {
	if given {
		return v
	}
	return nil
}

func prefix(ps problem.Problems, p string) problem.Problems {
	out := make(problem.Problems, len(ps))
	for i, x := range ps {
		x.Field = p + x.Field
		out[i] = x
	}
	return out
}

// BuyResult is what `instance buy` prints.
type BuyResult struct {
	OrderID         string      `json:"order_id"`
	InstanceIDs     []string    `json:"instance_ids"`
	ClientRequestID string      `json:"client_request_id"`
	Region          string      `json:"region"`
	Order           *order.View `json:"order,omitempty"`
	// Price is what BSS quoted before the purchase (absent when it gave
	// no price or none was asked).
	Price *price.Quote `json:"price"`
	// Instances (with --wait, once the order completed): each instance in
	// the `instance list` shape.
	Instances *[]instance.View `json:"instances,omitempty"`
	// Firewall (with --open): what was opened in each security group.
	Firewall *[]cmdutil.OpenResult `json:"firewall,omitempty"`
}

// buyPlan is a purchase checked and ready to send.
type buyPlan struct {
	req      *purchase.Request
	cat      *catalog.Catalog
	crid     string         // the Client-Request-Id it is sent with
	prep     *api.Prepared  // the exact request
	openRule *firewall.Rule // --open: the rule added once the instances run
	format   output.Format
}

func buyRun(ctx context.Context, f *cmdutil.Factory, opts *BuyOptions) error {
	// 1. Validate everything offline; report all problems at once.
	plan, err := checkBuy(f, opts)
	if err != nil {
		return err
	}
	req := plan.req

	// 2. Dry run: what would be sent, nothing sent.
	if opts.DryRun {
		return buyDryRun(ctx, f, opts, plan)
	}

	// 3. Credentials before asking: a purchase that cannot be sent is not confirmed.
	client, err := f.APIClient()
	if err != nil {
		return err
	}
	// An earlier purchase whose outcome is unknown may have placed an
	// order: say so before asking, so the same thing is not bought twice.
	if _, err := f.JournalPath(); err != nil {
		return fmt.Errorf("%w (nothing was sent)", err)
	}
	cmdutil.WarnUnresolved(f, journal.KindPurchase)
	confirm := cmdutil.Confirm{Yes: opts.Yes, Verb: "buy"}
	if err := confirm.Check(f); err != nil {
		return err
	}
	cmdutil.WarnNameTaken(f, req.Region, req.InstanceName, req.Quantity())

	// 4. The price: a read within its timeout; its failure is only shown.
	quote, priceLine, err := buyPrice(ctx, f, client, req, opts)
	if err != nil {
		return err
	}

	// 5. Confirm, unless --yes. Never prompt without a terminal.
	summary := "You are about to buy:\n" + purchase.FormatSummary(append(req.Summary(plan.cat), priceLine))
	if plan.openRule != nil {
		summary += cmdutil.OpenSummary(plan.openRule, req.Region)
	}
	if err := confirm.Ask(f, summary, "Buy?"); err != nil {
		return err
	}

	// 6. Journal the attempt (synced) before the request leaves, send it
	// (the client owns the retry policy), and journal the outcome before
	// printing anything about it: cmdutil.Purchase, shared with apply.
	res, err := cmdutil.Purchase(ctx, f, client, plan.prep, req, plan.crid)
	if err != nil {
		return err
	}
	result := &BuyResult{OrderID: res.OrderID, InstanceIDs: res.InstanceIDs, ClientRequestID: plan.crid, Region: req.Region, Price: quote}
	if !opts.Wait {
		if !req.AutoPay() {
			f.IO.Infof("Order %s is waiting for payment: pay it with `flexusl order pay %s` (or in the console), then `flexusl order wait %s`.", res.OrderID, res.OrderID, res.OrderID)
		}
		return printBuy(f, result)
	}

	// 7. --wait: the order, then its instances, then --open.
	werr := waitBuy(ctx, f, client, plan, opts, result)
	// The purchase happened whatever the wait's outcome: a script reading
	// stdout gets the order ID (and the last status seen) before the wait's
	// exit code (4 cancelled, 5 timed out, 130 interrupted).
	if err := printBuy(f, result); err != nil {
		return err
	}
	return werr
}

// checkBuy builds the request from the file and flags and checks every
// input offline (exit 2 with every problem, nothing sent), then prepares
// the exact request.
func checkBuy(f *cmdutil.Factory, opts *BuyOptions) (*buyPlan, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	format, err := f.OutputFormat()
	if err != nil {
		return nil, err
	}
	cat, err := f.Catalog()
	if err != nil {
		return nil, err
	}
	_, regionSrc := cfg.Resolve(config.KeyRegion)
	req, flagProblems, err := buildRequest(opts, cfg.Get(config.KeyRegion), regionSrc == config.SourceFlag)
	if err != nil {
		return nil, err
	}
	if opts.NoValidate {
		f.IO.Warnf("--no-validate: the catalog checks are skipped; the server will judge image, spec and region")
	}
	ps := append(flagProblems, req.Validate(cat, purchase.Options{SkipCatalog: opts.NoValidate})...)
	crid := opts.ClientRequestID
	if crid == "" {
		crid = uuid.NewString()
	} else if p := purchase.CheckClientRequestID(crid); p != nil {
		ps = append(ps, *p)
	}
	if opts.Wait && (opts.WaitTimeout <= 0 || opts.WaitInterval <= 0) {
		ps = append(ps, problem.Problem{Field: "--timeout/--interval", Value: fmt.Sprintf("%s/%s", opts.WaitTimeout, opts.WaitInterval), Reason: "must be positive"})
	}
	openRule, ops := cmdutil.OpenPlan(opts.Open, opts.OpenFrom, opts.changed("open-from"), opts.Wait)
	ps = append(ps, ops...)
	if p := cmdutil.PaymentWaitProblem(f, opts.Wait, req.AutoPay(), opts.changed != nil && opts.changed("timeout")); p != nil && !opts.DryRun {
		ps = append(ps, *p)
	}
	if len(ps) > 0 {
		return nil, cmdutil.ProblemsError(ps, fieldFlags(req))
	}
	req.Normalize(cat)
	bare, err := f.BareClient()
	if err != nil {
		return nil, err
	}
	prep, err := bare.PrepareCreate(crid, req)
	if err != nil {
		return nil, err
	}
	return &buyPlan{req: req, cat: cat, crid: crid, prep: prep, openRule: openRule, format: format}, nil
}

// buyDryRun prints what would be sent (and its price when it can be
// asked); nothing is sent.
func buyDryRun(ctx context.Context, f *cmdutil.Factory, opts *BuyOptions, plan *buyPlan) error {
	prep := plan.prep
	// As every dry run: the Client-Request-Id a run would make anew reads
	// as a placeholder; one given with --client-request-id is shown as it
	// would be sent.
	if opts.ClientRequestID == "" {
		bare, err := f.BareClient()
		if err != nil {
			return err
		}
		if prep, err = bare.PrepareCreate(cmdutil.DryRunRequestID, plan.req); err != nil {
			return err
		}
	}
	line, asked := dryRunPrice(ctx, f, plan.req, opts.NoPrice)
	return printDryRun(f, plan.format, prep, plan.req, plan.cat, line, asked)
}

// buyPrice asks BSS what the purchase costs (unless --no-price): the
// quote (nil when there is none) and the line the confirmation shows.
// Only an interrupt is an error: the purchase goes on without a price.
func buyPrice(ctx context.Context, f *cmdutil.Factory, client *api.Client, req *purchase.Request, opts *BuyOptions) (*price.Quote, purchase.Line, error) {
	line := purchase.Line{Label: "Price", Value: "not asked (--no-price)"}
	if opts.NoPrice {
		return nil, line, nil
	}
	quote, err := cmdutil.Inquire(ctx, func(ctx context.Context) (*price.Quote, error) {
		return price.Purchase(ctx, client.WithNotify(nil), req)
	})
	if ctx.Err() != nil {
		return nil, line, exitcode.Errorf(exitcode.Interrupted, "interrupted while asking for the price: the purchase was not sent")
	}
	line.Value = cmdutil.PriceText(quoteText(quote), err)
	if opts.Yes {
		f.IO.Infof("price: %s", line.Value)
	}
	return quote, line, nil
}

// waitBuy follows a placed order until it completes, then its instances
// until each is RUNNING with a public IP (all within --timeout), then
// opens the --open ports; what it saw goes into result. The error is the
// wait's (the purchase itself is done).
func waitBuy(ctx context.Context, f *cmdutil.Factory, client *api.Client, plan *buyPlan, opts *BuyOptions, result *BuyResult) error {
	region, ids := plan.req.Region, result.InstanceIDs
	f.IO.Infof("Order %s placed; waiting for it to complete (Ctrl-C stops waiting, not the order).", result.OrderID)
	start := time.Now()
	view, werr := cmdutil.WaitOrder(ctx, f, result.OrderID, region, ids, opts.WaitTimeout, opts.WaitInterval, justPlacedGrace)
	result.Order = view
	if werr == nil {
		var vs []instance.View
		vs, werr = cmdutil.WaitInstances(ctx, f, result.OrderID, region, ids, opts.WaitTimeout-time.Since(start), opts.WaitInterval)
		result.Instances = &vs
		if werr == nil && plan.openRule != nil { // --open, confirmed with the purchase
			opened := cmdutil.OpenAfterBuy(ctx, f, client, region, ids, plan.openRule)
			result.Firewall = &opened
		}
	}
	if werr != nil && plan.openRule != nil {
		// The ports are opened once the instances run: a wait that ended
		// first (timeout, cancel, Ctrl-C) opened none; say so, and how.
		f.IO.Warnf("the ports were not opened (the wait ended before the instances ran): when they run, open them with: flexusl firewall allow %s --port %s --from %s",
			strings.Join(ids[:min(1, len(ids))], ""), plan.openRule.Multiport(), plan.openRule.Remote)
	}
	return werr
}

// justPlacedGrace is how long `buy --wait` waits through BSS not listing
// the order it was just given.
const justPlacedGrace = 2 * time.Minute

func printBuy(f *cmdutil.Factory, r *BuyResult) error {
	var vs []instance.View
	if r.Instances != nil {
		vs = *r.Instances
	}
	return f.PrintWithInstances(r, func() ([]string, [][]string) {
		h := []string{"ORDER ID", "INSTANCE IDS", "CLIENT REQUEST ID"}
		row := []string{r.OrderID, strings.Join(r.InstanceIDs, ","), r.ClientRequestID}
		if r.Order != nil {
			h = append(h, "STATUS")
			row = append(row, r.Order.StatusText)
		}
		return h, [][]string{row}
	}, vs)
}

func printDryRun(f *cmdutil.Factory, format output.Format, p *api.Prepared, req *purchase.Request, cat *catalog.Catalog, priceLine *purchase.Line, asked bool) error {
	d := f.DryRunOf(p) // the body: the exact bytes, in the page's key order
	if s, _ := f.Shape(); s != nil || format != output.Table {
		if priceLine != nil {
			f.IO.Infof("price: %s", priceLine.Value)
		}
		return f.Print([]cmdutil.DryRunRequest{d}, nil) // an array, as every dry run prints
	}
	lines := req.Summary(cat)
	if priceLine != nil {
		lines = append(lines, *priceLine)
	}
	sent := "nothing is sent"
	if asked {
		sent = "the purchase is not sent (only the price was asked)"
	}
	fmt.Fprintf(f.IO.ErrOut, "Dry run: %s. It would buy:\n%s\n", sent, purchase.FormatSummary(lines))
	return cmdutil.WriteDryRun(f.IO.Out, d)
}

// dryRunPrice is the price line of a dry run, and whether BSS was asked
// (only with credentials); nil with --no-price.
func dryRunPrice(ctx context.Context, f *cmdutil.Factory, req *purchase.Request, noPrice bool) (*purchase.Line, bool) {
	if noPrice {
		return nil, false
	}
	client, why, err := f.PriceClient(true)
	if client == nil {
		if err != nil {
			why = price.Why(err)
		}
		return &purchase.Line{Label: "Price", Value: why}, false
	}
	q, err := cmdutil.Inquire(ctx, func(ctx context.Context) (*price.Quote, error) { return price.Purchase(ctx, client, req) })
	return &purchase.Line{Label: "Price", Value: cmdutil.PriceText(quoteText(q), err)}, true
}

// quoteText is a quote in one line ("" for none).
func quoteText(q *price.Quote) string {
	if q == nil {
		return ""
	}
	return q.Text()
}

// fieldFlags extends flagOf with the request's indexed fields.
func fieldFlags(r *purchase.Request) map[string]string {
	m := make(map[string]string, len(flagOf)+len(r.ExtraResources)+len(r.Tags))
	for k, v := range flagOf {
		m[k] = v
	}
	byType := map[string]string{purchase.ResourceEVS: "--data-disk", purchase.ResourceCBR: "--backup", purchase.ResourceHSS: "--hss"}
	for i, e := range r.ExtraResources {
		if fl, ok := byType[e.Type]; ok {
			m[fmt.Sprintf("%s[%d].size", purchase.FExtraResources, i)] = fl
			m[fmt.Sprintf("%s[%d].type", purchase.FExtraResources, i)] = fl
		}
	}
	for i := range r.Tags {
		for _, part := range []string{"key", "value"} {
			m[fmt.Sprintf("%s[%d].%s", purchase.FTags, i, part)] = "--tag"
		}
	}
	return m
}
