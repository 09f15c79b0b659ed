// Package sandbox holds `flexusl sandbox`.
package sandbox

import (
	"fmt"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/sandbox"
	"github.com/spf13/cobra"
)

// Options are the inputs of `flexusl sandbox`.
type Options struct {
	Listen        string
	Token         string
	AccessKey     string
	SecretKey     string
	CompleteAfter time.Duration
	Quiet         bool
}

// NewCmdSandbox is `flexusl sandbox`.
func NewCmdSandbox(f *cmdutil.Factory) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve a local copy of the FlexusL purchase, order and IAM APIs",
		Long: `Serve a local, in-memory copy of the APIs flexusl calls, so that every
command can be tried without an account and without spending money:

  POST /v1/light-instances                            purchase (HCSS), validated as the page says
  GET  /v2/orders/customer-orders/details/{order_id}  order (BSS): 3 processing -> 5 completed
                                                      after --complete-after; 6 pending payment
                                                      while is_auto_pay is false, until paid
  POST /v3/auth/tokens, GET /v3/projects, GET /v3/auth/domains   IAM (password "sandbox")

It accepts the token --token (X-Auth-Token) or AK/SK requests signed with
--access-key/--secret-key (the sandbox's own test credentials, not secrets).
Prices are made up. A control API serves tests and scripts:

  GET  /_sandbox/requests              requests received (credentials redacted)
  GET  /_sandbox/orders                orders placed
  POST /_sandbox/faults                {"route":"create|order|iam","kind":"429|500|sold_out|quota|latency|drop","count":N,"latency_ms":M}
  POST /_sandbox/orders/{id}/pay       pay an order waiting for payment
  POST /_sandbox/orders/{id}/cancel    cancel an order
  POST /_sandbox/reset                 forget everything

The "drop" fault places the order and then closes the connection without an
answer: the case flexusl must never retry. On start it prints the shell lines
that point flexusl at it; it stops on Ctrl-C or SIGTERM.`,
		Example: `  # terminal 1
  flexusl sandbox
  # terminal 2: paste the export line it printed, then
  flexusl instance buy --region ap-southeast-3 --name web-1 --image WordPress \
    --spec hf.large.1.30m.linux --auto-pay --yes --wait

  # in a script: run it in the background on a chosen port
  flexusl sandbox --listen 127.0.0.1:18089 --complete-after 1s &`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return run(cmd, f, opts) },
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Listen, "listen", "127.0.0.1:8089", "address to listen on (loopback unless you say otherwise)")
	fl.StringVar(&opts.Token, "token", sandbox.DefaultToken, "the token the sandbox accepts (a test value, not a secret)")
	fl.StringVar(&opts.AccessKey, "access-key", sandbox.DefaultAccessKey, "the access key the sandbox accepts")
	fl.StringVar(&opts.SecretKey, "secret-key", sandbox.DefaultSecretKey, "the secret key of the sandbox's test key pair")
	fl.DurationVar(&opts.CompleteAfter, "complete-after", sandbox.DefaultCompleteAfter, "how long a paid order stays processing (3) before it completes (5)")
	fl.BoolVar(&opts.Quiet, "quiet", false, "do not log each request on stderr")
	return cmd
}

func run(cmd *cobra.Command, f *cmdutil.Factory, opts *Options) error {
	if opts.CompleteAfter <= 0 {
		return cmdutil.UsageErrorf("--complete-after must be positive, got %s", opts.CompleteAfter)
	}
	cat, err := f.Catalog()
	if err != nil {
		return err
	}
	so := sandbox.Options{Token: opts.Token, AccessKey: opts.AccessKey, SecretKey: opts.SecretKey, CompleteAfter: opts.CompleteAfter, Catalog: cat}
	if !opts.Quiet {
		so.Log = func(l string) { fmt.Fprintln(f.IO.ErrOut, l) }
	}
	s, err := sandbox.New(so)
	if err != nil {
		return err
	}
	l, err := sandbox.Listen(opts.Listen)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	addr := l.Addr().String()
	if !sandbox.IsLoopback(addr) {
		f.IO.Warnf("the sandbox listens on %s, which is not loopback: anyone who can reach it can use it", addr)
	}
	url := "http://" + addr
	fmt.Fprintf(f.IO.ErrOut, "flexusl sandbox listening on %s (Ctrl-C to stop)\n", url)
	fmt.Fprintf(f.IO.Out, "export FLEXUSL_ENDPOINT=%s FLEXUSL_BSS_ENDPOINT=%s FLEXUSL_IAM_ENDPOINT=%s FLEXUSL_TOKEN=%s\n", url, url, url, opts.Token)
	fmt.Fprintf(f.IO.Out, "# or AK/SK instead of the token:\n# export FLEXUSL_ACCESS_KEY=%s FLEXUSL_SECRET_KEY=%s\n", opts.AccessKey, opts.SecretKey)
	if fl, ok := f.IO.Out.(interface{ Sync() error }); ok {
		fl.Sync()
	}
	if err := sandbox.Serve(cmd.Context(), l, s); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	fmt.Fprintln(f.IO.ErrOut, "flexusl sandbox stopped")
	return nil
}
