// Package cmd builds the flexusl command tree. Commands only parse flags and
// call into pkg/; see the Factory in cmd/cmdutil.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	authcmd "github.com/flexusl/flexusl/cmd/auth"
	"github.com/flexusl/flexusl/cmd/cmdutil"
	configcmd "github.com/flexusl/flexusl/cmd/config"
	"github.com/flexusl/flexusl/cmd/images"
	"github.com/flexusl/flexusl/cmd/instance"
	jobcmd "github.com/flexusl/flexusl/cmd/job"
	ordercmd "github.com/flexusl/flexusl/cmd/order"
	"github.com/flexusl/flexusl/cmd/regions"
	sandboxcmd "github.com/flexusl/flexusl/cmd/sandbox"
	"github.com/flexusl/flexusl/cmd/specs"
	versioncmd "github.com/flexusl/flexusl/cmd/version"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/safetext"
	"github.com/flexusl/flexusl/pkg/ui"
	"github.com/spf13/cobra"
)

// NewRootCmd builds the command tree on f. Nothing here reads config, the
// catalog or the network: that happens when a command runs.
func NewRootCmd(f *cmdutil.Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "flexusl",
		Short: "Buy and track Huawei Cloud FlexusL instances",
		Long: `flexusl buys and tracks Huawei Cloud FlexusL instances (HCSS light VPS).

Every purchase is validated offline against the catalog of the purchase
page (images, versions, plan specs, regions) before anything is sent, and a
purchase request is never sent twice unless the server provably did not
receive it. Results go to stdout (table, JSON or YAML); progress, prompts
and warnings go to stderr.`,
		Example: `  # what can I buy?
  flexusl images list --type application
  flexusl specs list --image WordPress --region ap-southeast-3

  # try everything locally, no account needed
  flexusl sandbox`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(cmdutil.FlagErrorFunc)
	root.CompletionOptions.HiddenDefaultCmd = false

	pf := root.PersistentFlags()
	for _, o := range config.Options {
		if o.Flag == "" {
			continue
		}
		switch o.Key {
		case config.KeyProfile:
			// No pflag default: the profile used by default is the config
			// file's active_profile, which help must not read.
			pf.String(o.Flag, "", o.Usage+envHint(o))
		case config.KeyOutput:
			pf.StringP(o.Flag, "o", o.Default, o.Usage)
		case config.KeyDebug:
			pf.Bool(o.Flag, false, o.Usage)
		default:
			pf.String(o.Flag, o.Default, o.Usage+envHint(o))
		}
	}
	f.GlobalFlags = pf
	cmdutil.RegisterGlobalCompletions(root, f)

	// --version / -v print what `flexusl version` prints (-o json too).
	showVersion := root.Flags().BoolP("version", "v", false, "print the version, as flexusl version does")
	cmdutil.GroupCommand(root)
	help := root.RunE
	root.RunE = func(c *cobra.Command, args []string) error {
		if *showVersion {
			return versioncmd.Print(f)
		}
		return help(c, args)
	}

	root.AddCommand(
		instance.NewCmdInstance(f),
		ordercmd.NewCmdOrder(f),
		jobcmd.NewCmdJob(f),
		authcmd.NewCmdAuth(f),
		configcmd.NewCmdConfig(f),
		specs.NewCmdSpecs(f),
		images.NewCmdImages(f),
		regions.NewCmdRegions(f),
		sandboxcmd.NewCmdSandbox(f),
		versioncmd.NewCmdVersion(f),
		exitCodesTopic(),
	)
	// cobra adds its completion command when the root runs; made here, its
	// scripts go to f's stdout and `completion bash --help` can say what
	// bash needs.
	root.SetOut(f.IO.Out)
	root.InitDefaultCompletionCmd()
	if c, _, err := root.Find([]string{"completion", "bash"}); err == nil && c.Name() == "bash" {
		c.Long = bashCompletionHelp
	}
	return root
}

const bashCompletionHelp = `Generate the completion script for bash.

The script needs the bash-completion package (version 2). Most Linux
distributions install it with bash; when completion does nothing, or bash
says "_get_comp_words_by_ref: command not found", install it:

	sudo apt install bash-completion    # Debian, Ubuntu
	sudo dnf install bash-completion    # Fedora, RHEL
	brew install bash-completion@2      # macOS, then follow brew's note for ~/.bash_profile

To load completions in the current shell:

	source <(flexusl completion bash)

To load them in every new shell, for you only (bash-completion looks there):

	mkdir -p ~/.local/share/bash-completion/completions
	flexusl completion bash > ~/.local/share/bash-completion/completions/flexusl

The deb and rpm packages, the Homebrew cask and make install put the script
in place already.`

func envHint(o config.Option) string {
	if len(o.Env) == 0 {
		return ""
	}
	return " [$" + o.Env[0] + "]"
}

// Signals are the signals that end a run in order: Ctrl-C (SIGINT),
// SIGTERM, SIGHUP (the terminal closed) and SIGQUIT (Ctrl-\) all cancel the
// run's context instead of killing the process, so a purchase in flight is
// journaled with its outcome (unknown) and the exit code is 130, never 2
// ("nothing was sent") or the runtime's own codes.
var Signals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// Execute runs flexusl with the process's arguments and streams and returns
// the exit code.
func Execute() int {
	f := &cmdutil.Factory{IO: ui.System(), Getenv: os.Getenv}
	ctx, stop := signal.NotifyContext(context.Background(), Signals...)
	defer stop()
	return Run(ctx, f, os.Args[1:])
}

// Run runs the command tree with args and prints a failure as "Error: ..."
// on stderr. It returns the documented exit code.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	f.IO.SetInterrupt(ctx.Done())
	root := NewRootCmd(f)
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitcode.OK
	}
	code := exitcode.Of(err)
	var coded *exitcode.Error
	if !errors.As(err, &coded) && strings.HasPrefix(err.Error(), "unknown command") {
		code = exitcode.Usage // cobra's own usage errors
	}
	if ctx.Err() != nil && code == exitcode.Failure {
		code = exitcode.Interrupted
	}
	// Errors and hints quote servers and files: shown with control
	// characters escaped.
	fmt.Fprintf(f.IO.ErrOut, "Error: %s\n", safetext.Text(err.Error()))
	if a := cmdutil.Advice(err); a != "" {
		fmt.Fprintf(f.IO.ErrOut, "Hint: %s\n", safetext.Text(a))
	}
	return code
}
