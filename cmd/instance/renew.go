package instancecmd

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/billing"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/price"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/safetext"
	"github.com/spf13/cobra"
)

// RenewOptions are the inputs of `instance renew`.
type RenewOptions struct {
	Args                      []string
	PeriodType                string
	Period                    int
	AutoPay, Yes, DryRun      bool
	NoPrice                   bool
	Wait                      bool
	WaitTimeout, WaitInterval time.Duration
	TimeoutGiven              bool // --timeout was given (a wait for payment without a terminal needs it)
}

// NewCmdRenew is `flexusl instance renew`; runF replaces the run in tests.
func NewCmdRenew(f *cmdutil.Factory, runF func(*RenewOptions) error) *cobra.Command {
	opts := &RenewOptions{}
	cmd := &cobra.Command{
		Use:   "renew ID|NAME... --period N [--period-type month|year] [flags]",
		Short: "Renew instances for months or years (BSS RenewalResources; confirmed, never sent twice)",
		Long: `Renew FlexusL instances with BSS RenewalResources. Each instance is named by
its ID or its unique name (--region limits the search to one region).

The period is checked offline first: --period 1-11 for months, 1-3 for
years; nothing is sent when it is wrong (exit 2). Instances are renewed at
most 10 per call, and each call places its own renewal order.

On a terminal it shows, per instance, the current expiry and the expiry
after the renewal, and asks; without a terminal it needs --yes. --dry-run
prints the exact request(s) and sends no renewal.

Before confirming it asks BSS what the renewal will cost (the rating call
renew-rate, at most 10 instances a call, attached resources included) and
shows "price:" with the currency, the list price and the best discount BSS
offers, in the confirmation, on stderr with --yes, and after a --dry-run
(when there are credentials). An inquiry that fails shows "price: not
available (why)" and the renewal goes on as without it; it is a read,
never journaled, and takes at most 5s; --no-price skips it. JSON output
adds "price": {"currency", "official_amount", "amount", "discount_amount",
"discount", "not_priced": [{"id", "error"}]} (numbers in the currency's
unit; "amount" is after the best discount), left out when there is none.

Without --auto-pay each renewal order waits for payment: pay it with
flexusl order pay ORDER_ID (or in the console). With --wait it follows the
orders until they complete (exit codes as order wait: 4 cancelled,
5 timed out). Without a terminal, --wait without --auto-pay needs --timeout
(how long to wait for a payment made elsewhere): otherwise it is refused
before anything is sent (exit 2), as instance buy does.

Every call is journaled before it is sent and its outcome before anything
is printed. A call is repeated (with the same Client-Request-Id) only when
the service provably did not take it; after a server error, a timeout or a
lost connection its outcome is unknown: flexusl stops, does not repeat it,
and exits 1.`,
		Example: `  # renew one instance for 2 months, paying from the balance
  flexusl instance renew web-1 --period 2 --auto-pay

  # a script: several instances for a year, no prompt, wait for the orders
  flexusl instance renew 6743d0e3708be6007b8c8012 web-2 --period-type year --period 1 --auto-pay --yes --wait -o json

  # the exact request(s) and the price, no renewal sent
  flexusl instance renew 6743d0e3708be6007b8c8012 --period 3 --dry-run

  # the price of a yearly renewal, as JSON on stdout after renewing
  flexusl instance renew web-1 --period-type year --period 1 --yes -o json   # .price.amount`,
		Args: cmdutil.AtLeastOneArg("instance ID or name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			opts.TimeoutGiven = cmd.Flags().Changed("timeout")
			if runF != nil {
				return runF(opts)
			}
			return renewRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: completeInstances(f),
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.PeriodType, "period-type", billing.PeriodMonth, "renewal period: month or year")
	fl.IntVar(&opts.Period, "period", 0, "(required) number of periods: 1-11 months or 1-3 years")
	fl.BoolVar(&opts.AutoPay, "auto-pay", false, "pay from the account balance at once (otherwise each order waits for payment)")
	cmdutil.YesFlag(fl, &opts.Yes, "renew")
	cmdutil.DryRunFlag(fl, &opts.DryRun, "")
	fl.BoolVar(&opts.NoPrice, "no-price", false, cmdutil.NoPriceFlagUsage)
	cmdutil.WaitFlags(fl, &opts.Wait, "wait for the renewal orders to complete", &opts.WaitTimeout, &opts.WaitInterval, 30*time.Minute)
	cmd.RegisterFlagCompletionFunc("period-type", cobra.FixedCompletions([]string{billing.PeriodMonth, billing.PeriodYear}, cobra.ShellCompDirectiveNoFileComp))
	cmdutil.JSONKeys(cmd, "", OrdersResult{})
	cmdutil.JSONKeys(cmd, "with --dry-run", cmdutil.DryRunRequest{})
	return cmd
}

func renewRun(ctx context.Context, f *cmdutil.Factory, opts *RenewOptions) error {
	// 1. Everything offline first.
	if err := checkArgs(opts.Args); err != nil {
		return err
	}
	ps := billing.ValidateRenewal(opts.PeriodType, opts.Period)
	if opts.Wait && (opts.WaitTimeout <= 0 || opts.WaitInterval <= 0) {
		ps = append(ps, problem.Problem{Field: "--timeout/--interval", Value: fmt.Sprintf("%s/%s", opts.WaitTimeout, opts.WaitInterval), Reason: "must be positive"})
	}
	if p := cmdutil.PaymentWaitProblem(f, opts.Wait, opts.AutoPay, opts.TimeoutGiven); p != nil && !opts.DryRun {
		ps = append(ps, *p)
	}
	if len(ps) > 0 {
		return cmdutil.ProblemsError(ps, nil)
	}
	ren := billing.Renewal{PeriodType: opts.PeriodType, Periods: opts.Period, AutoPay: opts.AutoPay}
	confirm := cmdutil.Confirm{Yes: opts.Yes || opts.DryRun, Verb: "renew"}
	if err := confirm.Check(f); err != nil {
		return err
	}

	// 2. The instances: one RMS listing (none for a dry run naming IDs).
	targets, err := resolveInstances(ctx, f, opts.Args, opts.DryRun)
	if err != nil {
		return err
	}
	b := renewBatch(ren)
	if opts.DryRun {
		if err := b.dryRun(f, "Renewing "+plural(len(targets), "instance")+" for "+ren.Describe(), targets); err != nil {
			return err
		}
		if !opts.NoPrice {
			client, why, _ := f.PriceClient(true)
			if client != nil {
				_, why = renewalPrice(ctx, f, client, targets, ren)
			}
			f.IO.Infof("price: %s", why)
		}
		return nil
	}
	client, err := f.APIClient()
	if err != nil {
		return err
	}

	cmdutil.WarnUnresolved(f, journal.KindRenew)

	// 3. The price (a read within its timeout; its failure is only shown),
	// then confirm on a terminal, with the expiry before and after.
	var quote *price.Renewal
	priceText := "not asked (--no-price)"
	if !opts.NoPrice {
		quote, priceText = renewalPrice(ctx, f, client.WithNotify(nil), targets, ren)
		if ctx.Err() != nil {
			return exitcode.Errorf(exitcode.Interrupted, "interrupted while asking for the price: the renewal was not sent")
		}
		if opts.Yes {
			f.IO.Infof("price: %s", priceText)
		}
	}
	if !opts.Yes {
		if err := confirm.Ask(f, showRenewal(ctx, f, client, targets, ren, priceText), "Renew?"); err != nil {
			return err
		}
	}

	// 4. Send, journaling each call; print; wait.
	res, err := b.run(ctx, f, client, targets)
	if res == nil {
		return err
	}
	res.Price = quote
	if len(res.OrderIDs) > 0 && !opts.AutoPay && !opts.Wait {
		f.IO.Infof("The renewal order(s) wait for payment: flexusl order pay ORDER_ID (or pay in the console).")
	}
	if opts.Wait && err == nil && len(res.rows) > 0 {
		f.IO.Infof("Waiting for %s to complete (Ctrl-C stops waiting, not the renewal).", plural(len(res.rows), "renewal order"))
		err = waitOrders(ctx, f, res, opts.WaitTimeout, opts.WaitInterval)
	}
	if perr := printOrdersResult(f, res); perr != nil {
		return perr
	}
	return err
}

func renewBatch(ren billing.Renewal) batch {
	return batch{kind: journal.KindRenew, what: "the renewal",
		prepare: func(c *api.Client, crid string, ids []string) (*api.Prepared, error) {
			return c.PrepareRenew(crid, ren.Request(ids))
		},
		send: func(ctx context.Context, c *api.Client, p *api.Prepared) (*api.OrdersResult, error) {
			return c.RenewalResources(ctx, p)
		}}
}

// showRenewal says what a renewal will do (shown before asking): per instance the
// expiry now and after. The expiry comes from BSS; when it cannot be read
// the renewal is still shown, with the expiry unknown.
func showRenewal(ctx context.Context, f *cmdutil.Factory, client *api.Client, targets []api.Resource, ren billing.Renewal, priceText string) string {
	var b strings.Builder
	subs, err := client.WithNotify(nil).ListPayPerUseCustomerResources(ctx, ids(targets))
	if err != nil {
		f.IO.Warnf("could not read the current expiry: %s", cmdutil.FirstLine(err.Error()))
	}
	byID := api.SubscriptionsByID(subs)
	pay := "no: each renewal order will wait for payment (flexusl order pay ORDER_ID)"
	if ren.AutoPay {
		pay = "yes, from the account balance at once"
	}
	fmt.Fprintf(&b, "You are about to renew %s for %s.\nAuto-pay: %s\nPrice: %s\n", plural(len(targets), "instance"), ren.Describe(), pay, safetext.Line(priceText))
	if n := len(billing.Split(ids(targets), billing.MaxIDsPerCall)); n > 1 {
		fmt.Fprintf(&b, "It takes %d calls of at most %d instances; each places its own order.\n", n, billing.MaxIDsPerCall)
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tID\tREGION\tEXPIRES\tAFTER RENEWAL\tAUTO-RENEW")
	for _, t := range targets {
		now, after, auto := "unknown", "unknown", "unknown"
		if s, ok := byID[t.ID]; ok {
			if exp, ok := s.Expires(); ok {
				now = cmdutil.TableTime(exp)
				after = cmdutil.TableTime(billing.ExpiryAfter(exp, ren.PeriodType, ren.Periods))
			}
			auto = onOff(s.AutoRenew())
		}
		// Names and IDs come from RMS: shown escaped.
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", safetext.Line(cmdutil.Dash(t.Name)), safetext.Line(t.ID), safetext.Line(cmdutil.Dash(t.RegionID)), now, after, auto)
	}
	tw.Flush()
	return b.String()
}

// renewalPrice asks BSS what renewing targets costs, within the inquiry's
// timeout: the quote and its text, or nil and "not available (why)". Each
// instance BSS did not price is named in a warning.
func renewalPrice(ctx context.Context, f *cmdutil.Factory, client *api.Client, targets []api.Resource, ren billing.Renewal) (*price.Renewal, string) {
	q, err := cmdutil.Inquire(ctx, func(ctx context.Context) (*price.Renewal, error) {
		return price.RenewalOf(ctx, client, ids(targets), ren.PeriodType, ren.Periods)
	})
	if err != nil {
		return nil, cmdutil.PriceText("", err)
	}
	for _, n := range q.NotPriced {
		f.IO.Warnf("no price for %s: %s", safetext.Line(n.ID), safetext.Line(n.Error))
	}
	return q, q.Text()
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
