package instancecmd

import (
	"context"
	"fmt"
	"os/exec"
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/instance"
	"github.com/flexusl/flexusl/pkg/resolve"
	"github.com/flexusl/flexusl/pkg/safetext"
	"github.com/spf13/cobra"
)

// SSHOptions are the inputs of `instance ssh`.
type SSHOptions struct {
	Instance string   // ID or name
	User     string   // login name
	SSHArgs  []string // after --, passed to ssh as they are
	// NoFirewallCheck skips reading the security groups before connecting.
	NoFirewallCheck bool
	// Exec hands the process over to ssh (tests replace it); nil:
	// instance.Exec.
	Exec func(path string, argv []string) error
}

// NewCmdSSH is `flexusl instance ssh`; runF replaces the run in tests.
func NewCmdSSH(f *cmdutil.Factory, runF func(*SSHOptions) error) *cobra.Command {
	opts := &SSHOptions{}
	cmd := &cobra.Command{
		Use:   "ssh ID|NAME [--user root] [COMMAND...] [-- SSH_ARGS...]",
		Short: "Log in to an instance with the system ssh, at its public IP",
		Long: `Log in to an instance (named by ID or name) with the system's ssh client:
flexusl finds the instance's public IP (RMS, else the server's floating
address in ECS) and runs

  ssh USER@PUBLIC_IP SSH_ARGS...

replacing itself with ssh where the operating system allows (Linux, macOS,
BSD), else running it and exiting with its exit code. Everything after the
instance goes to ssh as it is, as hcloud server ssh does: a remote command
(flexusl instance ssh web-1 uptime), and after -- ssh's own options
(-i KEY, -p PORT, -o ...), which flexusl would otherwise read as its own.
The user is root unless --user is given.

Before connecting it reads the instance's security groups (VPC): when no
inbound rule can let TCP 22 in (or the port given with -p / -o Port=),
it says so on stderr with the command that opens it (flexusl firewall
allow), then runs ssh anyway. --no-firewall-check skips that check.

It fails before connecting when ssh is not on PATH or the instance has no
public IP (yet) (exit 1), and when the instance is STOPPED (exit 2, with
the command that starts it); an unknown or ambiguous name exits 2.`,
		Example: `  flexusl instance ssh web-1
  flexusl instance ssh web-1 uptime
  flexusl instance ssh web-1 --user ubuntu -- -i ~/.ssh/flexus_ed25519
  flexusl instance ssh 6743d0e3708be6007b8c8012 -- -o StrictHostKeyChecking=accept-new uptime`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 || cmd.ArgsLenAtDash() == 0 {
				return cmdutil.ArgCountError(cmd, "an instance ID or name first (then a remote command, and ssh's options after --: web-1 -- -p 2222 uptime)", 0)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Instance = args[0]
			opts.SSHArgs = args[1:]
			if runF != nil {
				return runF(opts)
			}
			return sshRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: cmdutil.FirstArgOnly(cmdutil.CompleteInstances(f)),
	}
	cmd.Flags().StringVar(&opts.User, "user", instance.DefaultSSHUser, "login name on the instance")
	cmdutil.NoResult(cmd)
	cmd.Flags().BoolVar(&opts.NoFirewallCheck, "no-firewall-check", false, "do not check that the security groups let the ssh port in")
	return cmd
}

func sshRun(ctx context.Context, f *cmdutil.Factory, opts *SSHOptions) error {
	if err := instance.CheckSSHUser(opts.User); err != nil {
		return cmdutil.UsageError(err)
	}
	if err := resolve.CheckArg(opts.Instance); err != nil {
		return err
	}
	region, err := cmdutil.RegionFlag(f)
	if err != nil {
		return err
	}
	path, err := exec.LookPath("ssh")
	if err != nil {
		return exitcode.Errorf(exitcode.Failure, "no ssh client on PATH (%v): install OpenSSH's client, or find the address with: flexusl instance show %s", err, opts.Instance)
	}
	client, err := f.APIClient()
	if err != nil {
		return err
	}
	rs, err := resolve.Instances(ctx, client, []string{opts.Instance}, region)
	if err != nil {
		return err
	}
	r := &rs[0]
	cmdutil.RememberInstances(f, []instance.View{instance.NewView(r)}, false, "")
	if strings.EqualFold(r.Properties.Status, instance.StatusStopped) {
		return cmdutil.UsageErrorf("instance %s (%s) is %s: there is nothing to log in to; start it with: flexusl instance start %s",
			safetext.Line(r.Name), r.ID, safetext.Line(r.Properties.Status), r.ID)
	}
	ip := r.PublicIP()
	var server *api.Server
	if ip == "" && r.ServerID() != "" {
		// RMS lists no EIP: the server's floating address, if it has one.
		s, err := client.ShowServer(ctx, api.ServerOf(r))
		server = s
		if err != nil {
			return fmt.Errorf("instance %s (%s) has no public IP in RMS, and its server could not be read: %w", r.Name, r.ID, err)
		}
		ip = s.PublicIP()
	}
	if ip == "" {
		return exitcode.Errorf(exitcode.Failure, "instance %s (%s) in %s has no public IP (status %s); see: flexusl instance show %s", r.Name, r.ID, r.RegionID, cmdutil.Dash(r.Properties.Status), r.ID)
	}
	argv, err := instance.SSHArgv(opts.User, ip, opts.SSHArgs)
	if err != nil {
		return err
	}
	if !opts.NoFirewallCheck {
		if hint := cmdutil.ClosedPortHint(ctx, client, r, server, instance.SSHPort(opts.SSHArgs), "ssh will likely time out"); hint != "" {
			f.IO.Warnf("%s", hint)
		}
	}
	run := opts.Exec
	if run == nil {
		run = instance.Exec
	}
	if err := run(path, argv); err != nil {
		if exitcode.Of(err) != exitcode.Failure {
			return err // ssh's own exit status (where the process is not replaced)
		}
		return fmt.Errorf("run %s: %w", path, err)
	}
	return nil
}
