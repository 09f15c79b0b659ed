// Package cmd builds the flexusl command tree. Commands only parse flags and
// call into pkg/; see the Factory in cmd/cmdutil.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	applycmd "github.com/flexusl/flexusl/cmd/apply"
	authcmd "github.com/flexusl/flexusl/cmd/auth"
	"github.com/flexusl/flexusl/cmd/cmdutil"
	configcmd "github.com/flexusl/flexusl/cmd/config"
	firewallcmd "github.com/flexusl/flexusl/cmd/firewall"
	imagescmd "github.com/flexusl/flexusl/cmd/images"
	instancecmd "github.com/flexusl/flexusl/cmd/instance"
	jobcmd "github.com/flexusl/flexusl/cmd/job"
	ordercmd "github.com/flexusl/flexusl/cmd/order"
	regionscmd "github.com/flexusl/flexusl/cmd/regions"
	sandboxcmd "github.com/flexusl/flexusl/cmd/sandbox"
	specscmd "github.com/flexusl/flexusl/cmd/specs"
	versioncmd "github.com/flexusl/flexusl/cmd/version"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/safetext"
	"github.com/flexusl/flexusl/pkg/ui"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// topCommands are the top-level commands: each built only when a run
// needs it (see newRoot). short is the command package's Short, the one
// its command is built with, which root --help lists from a stand-in.
// buildFor, when set, builds the command for a run's args: only the
// subcommands they name (cmdutil.AddNamed).
var topCommands = []struct {
	name, short string
	build       func(*cmdutil.Factory) *cobra.Command
	buildFor    func(*cmdutil.Factory, []string) *cobra.Command
}{
	{"instance", instancecmd.Short, instancecmd.NewCmdInstance, instancecmd.NewCmdInstanceFor},
	{"order", ordercmd.Short, ordercmd.NewCmdOrder, nil},
	{"job", jobcmd.Short, jobcmd.NewCmdJob, nil},
	{"firewall", firewallcmd.Short, firewallcmd.NewCmdFirewall, nil},
	{"apply", applycmd.Short, func(f *cmdutil.Factory) *cobra.Command { return applycmd.NewCmdApply(f, nil) }, nil},
	{"auth", authcmd.Short, authcmd.NewCmdAuth, nil},
	{"config", configcmd.Short, configcmd.NewCmdConfig, nil},
	{"specs", specscmd.Short, specscmd.NewCmdSpecs, nil},
	{"images", imagescmd.Short, imagescmd.NewCmdImages, nil},
	{"regions", regionscmd.Short, regionscmd.NewCmdRegions, nil},
	{"sandbox", sandboxcmd.Short, func(f *cmdutil.Factory) *cobra.Command { return sandboxcmd.NewCmdSandbox(f, nil) }, nil},
	{"version", versioncmd.Short, func(f *cmdutil.Factory) *cobra.Command { return versioncmd.NewCmdVersion(f, nil) }, nil},
}

// NewRootCmd builds the whole command tree on f (documentation, tests).
// Nothing here reads config, the catalog or the network: that happens when
// a command runs.
func NewRootCmd(f *cmdutil.Factory) *cobra.Command {
	root := newRoot(f, nil)
	cmdutil.ResolveAllKeys(root) // the JSON keys in every Long, for docs
	return root
}

// newRoot builds the root with the top-level commands a run with args
// needs: those named in args and no others; when args name none (--help,
// help, -v, completing a command name), stand-ins for all (name and Short:
// what root help and command-name completion show). Building only what
// runs keeps start-up flat as commands are added. Any other first word (a
// typo, or a flag value before the command) builds them all, so errors,
// suggestions and help stay exact. args nil builds everything.
func newRoot(f *cmdutil.Factory, args []string) *cobra.Command {
	root := &cobra.Command{
		Use:           "flexusl",
		Short:         "Buy and track Huawei Cloud FlexusL instances",
		Long:          rootLong,
		Example:       rootExample,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(cmdutil.FlagErrorFunc)
	// A command's help names its JSON keys, worked out only now.
	help := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		cmdutil.ResolveKeys(c)
		help(c, args)
	})
	root.CompletionOptions.HiddenDefaultCmd = false

	pf := root.PersistentFlags()
	addGlobalFlags(pf)
	cmdutil.AddShapeFlags(pf)
	root.RegisterFlagCompletionFunc(cmdutil.FlagColumns, cmdutil.CompleteColumns)
	f.GlobalFlags = pf
	cmdutil.RegisterGlobalCompletions(root, f)

	// Ctrl-C cancels what a command is doing (and exits 130); commands that
	// need nothing of the kind start without a signal handler.
	// --jq, --template, --columns and --region are checked before any
	// command runs.
	root.PersistentPreRunE = func(c *cobra.Command, args []string) error {
		if err := f.CheckShape(c); err != nil {
			return err
		}
		if err := cmdutil.CheckRegionFlag(f, c); err != nil {
			return err
		}
		if !offlineCommand(c) {
			f.CatchInterrupts()
		}
		return nil
	}

	// --version / -v print what `flexusl version` prints (-o json too).
	showVersion := root.Flags().BoolP("version", "v", false, "print the version, as flexusl version does")
	cmdutil.GroupCommand(root)
	runHelp := root.RunE
	root.RunE = func(c *cobra.Command, args []string) error {
		if *showVersion {
			return versioncmd.Print(f)
		}
		return runHelp(c, args)
	}

	addCommands(root, f, args)
	return root
}

// rootLong and rootExample are the root's help.
const (
	rootLong = `flexusl buys and tracks Huawei Cloud FlexusL instances (HCSS light VPS).

Every purchase is validated offline against the catalog of the purchase
page (images, versions, plan specs, regions) before anything is sent, and a
purchase request is never sent twice unless the server provably did not
receive it. Results go to stdout (table, JSON or YAML); progress, prompts
and warnings go to stderr.`
	rootExample = `  # what can I buy?
  flexusl images list --type application
  flexusl specs list --image WordPress --region ap-southeast-3

  # try everything locally, no account needed
  flexusl sandbox`
)

// addGlobalFlags declares the option registry's flags (config.Options) on
// the root, for every command.
func addGlobalFlags(pf *pflag.FlagSet) {
	for _, o := range config.Options() {
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
}

// addCommands adds the top-level commands args need (all of them for the
// docs and tests, stand-ins carrying the name and one-line help when only
// a listing is shown), the help topics, and cobra's completion command.
func addCommands(root *cobra.Command, f *cmdutil.Factory, args []string) {
	needed := commandsNeeded(args)
	all, listing := needed == nil, needed != nil && len(needed) == 0
	for _, tc := range topCommands {
		switch {
		case all || needed[tc.name]:
			if tc.buildFor != nil {
				root.AddCommand(tc.buildFor(f, args))
			} else {
				root.AddCommand(tc.build(f))
			}
		case listing:
			root.AddCommand(&cobra.Command{Use: tc.name, Short: tc.short, Run: func(*cobra.Command, []string) {}})
		}
	}
	if all || listing || needed[exitCodesName] {
		root.AddCommand(exitCodesTopic())
	}
	if all || listing || needed[formattingName] {
		root.AddCommand(formattingTopic())
	}
	switch {
	case listing:
		// A stand-in too: cobra's completion command builds a command per
		// shell, with their help texts.
		root.AddCommand(&cobra.Command{Use: completionName, Short: completionShort, Run: func(*cobra.Command, []string) {}})
		root.CompletionOptions.DisableDefaultCmd = true
	case all || needed[completionName]:
		// cobra adds its completion command when the root runs; made here,
		// its scripts go to f's stdout and completion bash --help can say
		// what bash needs.
		root.SetOut(f.IO.Out)
		root.InitDefaultCompletionCmd(args...)
		if c, _, err := root.Find([]string{completionName, "bash"}); err == nil && c.Name() == "bash" {
			c.Long = bashCompletionHelp
		}
	default:
		root.CompletionOptions.DisableDefaultCmd = true
	}
}

// completionShort is the one-line help of cobra's completion command.
const completionShort = "Generate the autocompletion script for the specified shell"

const (
	exitCodesName  = "exit-codes"
	formattingName = "formatting"
	completionName = "completion"
)

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

// offlineCommand reports whether c runs briefly and offline, so needs no
// Ctrl-C handling: listing the catalog, the version, help and completion. Every other command, new ones included, gets it
// (config too: a Ctrl-C while a secret is read without echo must not kill
// the process and leave the terminal without echo).
func offlineCommand(c *cobra.Command) bool {
	for p := c; p != nil; p = p.Parent() {
		switch p.Name() {
		case "specs", "images", "regions", "version", "help", completionName, exitCodesName, formattingName,
			cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
			return p.Parent() != nil && !p.Parent().HasParent() // a top-level command
		}
	}
	return !c.HasParent() // the root itself: help or --version
}

// commandsNeeded says which top-level commands a run with args uses (nil:
// all of them). The words of args that name one are the candidates; flag
// values that happen to be a command's name only build more than needed.
func commandsNeeded(args []string) map[string]bool {
	if args == nil {
		return nil
	}
	top := map[string]bool{exitCodesName: true, formattingName: true, completionName: true}
	for _, tc := range topCommands {
		top[tc.name] = true
	}
	own := map[string]bool{"help": true, cobra.ShellCompRequestCmd: true, cobra.ShellCompNoDescRequestCmd: true}
	needed := map[string]bool{}
	first := true
	for _, a := range args {
		if strings.HasPrefix(a, "-") || a == "" {
			continue
		}
		switch {
		case top[a]:
			needed[a] = true
		case first && !own[a]:
			return nil // not a command: an error to explain, or flags first
		}
		first = false
	}
	return needed
}

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
	f := &cmdutil.Factory{IO: ui.System(), Getenv: os.Getenv, Signals: Signals}
	return Run(context.Background(), f, os.Args[1:])
}

// Run runs the command tree with args and prints a failure as "Error: ..."
// on stderr. It returns the documented exit code.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if f.Interrupt == nil {
		f.Interrupt = cancel
	}
	f.IO.SetInterrupt(ctx.Done())
	root := newRoot(f, args)
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
	if errors.As(err, &coded) && coded.Quiet {
		return code // the result said it
	}
	// Errors and hints quote servers and files: shown with control
	// characters escaped.
	fmt.Fprintf(f.IO.ErrOut, "Error: %s\n", safetext.Text(err.Error()))
	if a := cmdutil.Advice(err); a != "" {
		fmt.Fprintf(f.IO.ErrOut, "Hint: %s\n", safetext.Text(a))
	}
	return code
}
