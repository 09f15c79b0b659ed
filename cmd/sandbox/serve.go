// Package sandboxcmd holds `flexusl sandbox`.
package sandboxcmd

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/sandbox"
	"github.com/flexusl/flexusl/pkg/service"
	"github.com/spf13/cobra"
)

// Options are the inputs of `flexusl sandbox`.
type Options struct {
	Listen         string
	Token          string
	AccessKey      string
	SecretKey      string
	CompleteAfter  time.Duration
	ProvisionAfter time.Duration
	JobAfter       time.Duration
	Log            string
	Quiet          bool // kept for old scripts: requests are logged only with --log
}

// Short is `flexusl sandbox`'s one-line help: root help lists it from
// here without building the command.
const Short = "Serve a local copy of every API flexusl calls (purchase, instances, servers, billing, IAM)"

// NewCmdSandbox is `flexusl sandbox`; runF replaces the run in tests.
func NewCmdSandbox(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: Short,
		Long: `Serve a local, in-memory copy of every API flexusl calls, so that every
command can be tried without an account and without spending money. One
address serves all services, in the shapes of Huawei's documented examples
(in brackets: the route's name, for the request log and /_sandbox/faults):

` + routeList() + `

It accepts the token --token (X-Auth-Token) or AK/SK requests signed with
--access-key/--secret-key (the sandbox's own test credentials, not secrets).
Prices are made up: a plan costs 3 + vCPUs + 2.5 x GiB of memory a month
(extras add to renewals and orders), a year ten months, and yearly periods
get two made-up discounts (15%, the best, and 5%); every rating answer says
so in its X-Sandbox-Note header and its discount names. Requests are logged only when asked: --log FILE, or
--log - for stderr. A control API serves tests and scripts:

` + controlList() + `

The "drop" fault does the work and then closes the connection without an
answer: the case flexusl must never retry. The rating routes (bss.subscribe-rate,
bss.renew-rate) also take "product_not_found" (400 CBC.99006006), and
"latency" with a large latency_ms makes them hang. On start it prints the
shell lines that point flexusl at it (and FLEXUSL_STATE_DIR, a journal and
completion cache of its own, so nothing tried there mixes with the real
ones); it stops on Ctrl-C or SIGTERM.`,
		Example: `  # terminal 1
  flexusl sandbox
  # terminal 2: paste the export line it printed, then
  flexusl instance buy --region ap-southeast-3 --name web-1 --image WordPress \
    --spec hf.large.1.30m.linux --auto-pay --yes --wait

  # in a script: in the background on a chosen port, fast clocks, requests logged to a file
  flexusl sandbox --listen 127.0.0.1:18089 --complete-after 1s --provision-after 0s \
    --job-after 1s --log sandbox.log > sandbox.env &`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd, f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Listen, "listen", "127.0.0.1:8089", "address to listen on (loopback unless you say otherwise)")
	fl.StringVar(&opts.Token, "token", sandbox.DefaultToken, "the token the sandbox accepts (a test value, not a secret)")
	fl.StringVar(&opts.AccessKey, "access-key", sandbox.DefaultAccessKey, "the access key the sandbox accepts")
	fl.StringVar(&opts.SecretKey, "secret-key", sandbox.DefaultSecretKey, "the secret key of the sandbox's test key pair")
	fl.DurationVar(&opts.CompleteAfter, "complete-after", sandbox.DefaultCompleteAfter, "how long a paid order stays processing (3) before it completes (5)")
	fl.DurationVar(&opts.ProvisionAfter, "provision-after", sandbox.DefaultProvisionAfter, "how long after its order completes an instance appears in RMS and ECS (0 for at once)")
	fl.DurationVar(&opts.JobAfter, "job-after", sandbox.DefaultJobAfter, "how long an ECS start/stop/reboot job runs before it ends (0 for at once)")
	fl.StringVar(&opts.Log, "log", "", "log one line per request to this file (appended), or - for stderr")
	fl.BoolVar(&opts.Quiet, "quiet", false, "no effect: requests are logged only with --log")
	fl.MarkHidden("quiet")
	cmdutil.NoResult(cmd) // it prints the environment to use, as shell lines
	return cmd
}

// check refuses the flag values the sandbox cannot run with (exit 2).
func (opts *Options) check() error {
	switch {
	case opts.CompleteAfter <= 0:
		return cmdutil.UsageErrorf("--complete-after must be positive, got %s", opts.CompleteAfter)
	case opts.ProvisionAfter < 0:
		return cmdutil.UsageErrorf("--provision-after must be 0 or more, got %s", opts.ProvisionAfter)
	case opts.JobAfter < 0:
		return cmdutil.UsageErrorf("--job-after must be 0 or more, got %s", opts.JobAfter)
	}
	for _, c := range []struct{ flag, v string }{{"--token", opts.Token}, {"--access-key", opts.AccessKey}, {"--secret-key", opts.SecretKey}} {
		if err := checkCredential(c.flag, c.v); err != nil {
			return err
		}
	}
	return nil
}

func run(cmd *cobra.Command, f *cmdutil.Factory, opts *Options) error {
	cat, err := f.Catalog()
	if err != nil {
		return err
	}
	so := sandbox.Options{Token: opts.Token, AccessKey: opts.AccessKey, SecretKey: opts.SecretKey, CompleteAfter: opts.CompleteAfter,
		ProvisionAfter: opts.ProvisionAfter, JobAfter: opts.JobAfter, Catalog: cat}
	if opts.Log != "" {
		var w io.Writer = f.IO.ErrOut
		if opts.Log != "-" {
			file, err := os.OpenFile(opts.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
			if err != nil {
				return cmdutil.UsageErrorf("--log: %v", err)
			}
			defer file.Close()
			w = file
		}
		var mu sync.Mutex
		so.Log = func(l string) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintln(w, l)
		}
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
	// What is tried against the sandbox is journaled and cached apart from
	// the real account's orders and instances: a directory of its own per
	// address, emptied at start (the sandbox remembers nothing either).
	line := ExportLine(url, opts.Token)
	if dir, err := stateDir(f, addr); err != nil {
		f.IO.Warnf("the sandbox's own state directory could not be made (%v): commands run against it will journal into flexusl's usual journal", err)
	} else {
		line += " " + journal.StateDirEnv + "=" + shellWord(dir)
	}
	fmt.Fprintf(f.IO.ErrOut, "flexusl sandbox listening on %s (Ctrl-C to stop)\n", url)
	fmt.Fprintln(f.IO.Out, line)
	fmt.Fprintf(f.IO.Out, "# or AK/SK instead of the token:\n# export FLEXUSL_ACCESS_KEY=%s FLEXUSL_SECRET_KEY=%s\n", shellWord(opts.AccessKey), shellWord(opts.SecretKey))
	if fl, ok := f.IO.Out.(interface{ Sync() error }); ok {
		fl.Sync()
	}
	if err := sandbox.Serve(cmd.Context(), l, s); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	fmt.Fprintln(f.IO.ErrOut, "flexusl sandbox stopped")
	return nil
}

// routeList is the API routes of the sandbox's router (sandbox.APIRoutes),
// for --help: per route its service, method, path and route name (what
// faults are queued for), then what it does.
func routeList() string {
	var b strings.Builder
	for i, r := range sandbox.APIRoutes() {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "  %-4s  %-6s %s  [%s]\n        %s", r.Service, r.Method, r.Path, r.Name, r.Help)
	}
	return b.String()
}

// controlList is the routes of the sandbox's control API
// (sandbox.ControlRoutes), for --help.
func controlList() string {
	var b strings.Builder
	for i, r := range sandbox.ControlRoutes() {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "  %-4s %s\n       %s", r.Method, r.Path, r.Help)
	}
	return b.String()
}

// stateDir is the sandbox's state directory for addr, under flexusl's own
// state directory (sandbox/HOST-PORT), emptied and made 0700.
func stateDir(f *cmdutil.Factory, addr string) (string, error) {
	base, err := journal.StateBase(f.Getenv)
	if err != nil {
		return "", err
	}
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '-'
	}, addr)
	dir := filepath.Join(base, "sandbox", name)
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return dir, os.Chmod(dir, 0o700)
}

// ExportLine is the shell line that sets every endpoint of the service
// table (pkg/service) to url, and the token. README tells users to eval it: every value is one shell word
// (see shellWord), whatever --listen and --token hold.
func ExportLine(url, token string) string {
	parts := []string{"export"}
	for _, s := range service.Services {
		parts = append(parts, s.Env+"="+shellWord(url))
	}
	return strings.Join(append(parts, "FLEXUSL_TOKEN="+shellWord(token)), " ")
}

// shellWord is s as one POSIX shell word: as it is when it holds only
// characters no shell treats specially, else in single quotes.
func shellWord(s string) string {
	plain := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./_-", r)) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// checkCredential refuses a credential the printed lines could not carry
// as one line: empty, or with a control character.
func checkCredential(flag, v string) error {
	if v == "" {
		return cmdutil.UsageErrorf("%s must not be empty", flag)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return cmdutil.UsageErrorf("%s holds a control character: the lines printed for a shell could not carry it", flag)
		}
	}
	return nil
}
