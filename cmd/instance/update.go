package instancecmd

import (
	"context"
	"errors"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/attempt"
	"github.com/flexusl/flexusl/pkg/ecs"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/resolve"
	"github.com/flexusl/flexusl/pkg/service"
	"github.com/spf13/cobra"
)

// UpdateOptions are the inputs of `instance update`; nil fields are left
// as they are.
type UpdateOptions struct {
	Arg         string
	ServerName  *string
	Description *string
	Hostname    *string
}

// UpdateResult is the server after the change (JSON keys stable).
type UpdateResult struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Region      string `json:"region"`
	ServerID    string `json:"server_id"`
	ServerName  string `json:"server_name"`
	Description string `json:"description"`
	Hostname    string `json:"hostname"`
	Status      string `json:"status"`
	Updated     string `json:"updated"`
}

// updateFlags names the flag of each UpdateServer field, for errors.
var updateFlags = map[string]string{ecs.FName: "--server-name", ecs.FDescription: "--description", ecs.FHostname: "--hostname",
	"server": "--server-name/--description/--hostname"}

// NewCmdUpdate is `flexusl instance update`; runF replaces the run in
// tests.
func NewCmdUpdate(f *cmdutil.Factory, runF func(*UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{}
	var name, description, hostname string
	cmd := &cobra.Command{
		Use:   "update ID|NAME [--server-name N] [--description D] [--hostname H]",
		Short: "Change the name, description or hostname of an instance's server",
		Long: `Change the ECS server inside a FlexusL instance with ECS UpdateServer: its
name, its description or its hostname. The FlexusL instance keeps its own
name (the one instance list shows).

Each field is checked offline first; a field that breaks a rule is named
with the rule and nothing is sent (exit 2):
  --server-name  1 to 64 characters: letters A-Z a-z, digits, _ - and .
                 (ECS documents two rules: the SDK allows 64 characters
                 including Chinese ones, the international page 128 without
                 them; flexusl requires both, so a name passes whichever
                 the service applies)
  --description  0 to 85 characters, no < or > ("" clears it)
  --hostname     1 to 64 characters in dot-separated parts of letters,
                 digits and -; no "..", "--", ".-" or "-."; not starting
                 or ending with . or -. FlexusL's page says a new hostname
                 takes effect after a restart; ECS's international page
                 marks the field as discarded.

The request is journaled before it is sent and sent once (after a server
error or a lost connection the outcome is unknown and flexusl says so).
It prints the server as ECS answers after the change.

Exit codes: 0 changed; 2 bad input (nothing sent); 3 credentials; 1 the
change was refused or its outcome is unknown.`,
		Example: `  # rename the server and describe it
  flexusl instance update web-1 --server-name web-1-prod --description "shop front"

  # a new hostname (restart for it to take effect)
  flexusl instance update 6743d0e3708be6007b8c8012 --hostname shop.example -o json
  flexusl instance reboot 6743d0e3708be6007b8c8012`,
		Args: cmdutil.ExactArgs(1, "an instance ID or name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Arg = args[0]
			if cmd.Flags().Changed("server-name") {
				opts.ServerName = &name
			}
			if cmd.Flags().Changed("description") {
				opts.Description = &description
			}
			if cmd.Flags().Changed("hostname") {
				opts.Hostname = &hostname
			}
			if runF != nil {
				return runF(opts)
			}
			return updateRun(cmd.Context(), f, opts)
		},
		ValidArgsFunction: completeInstances(f),
	}
	fl := cmd.Flags()
	fl.StringVar(&name, "server-name", "", "new server name: 1-64 characters of letters, digits, _ - .")
	fl.StringVar(&description, "description", "", "new description: 0-85 characters, no < or > (\"\" clears it)")
	fl.StringVar(&hostname, "hostname", "", "new hostname: 1-64 characters of letters, digits, - in dot-separated parts")
	cmdutil.JSONKeys(cmd, "", UpdateResult{})
	return cmd
}

func updateRun(ctx context.Context, f *cmdutil.Factory, opts *UpdateOptions) error {
	u := ecs.Update{Name: opts.ServerName, Description: opts.Description, Hostname: opts.Hostname}
	if ps := u.Check(); len(ps) > 0 {
		return cmdutil.ProblemsError(ps, updateFlags)
	}
	if err := resolve.CheckArg(opts.Arg); err != nil {
		return err
	}
	if _, err := f.OutputFormat(); err != nil {
		return err
	}
	client, err := f.APIClient()
	if err != nil {
		return err
	}
	targets, err := resolveTargets(ctx, f, client, []string{opts.Arg})
	if err != nil {
		return err
	}
	if _, ps := ecs.Plan(targets, 0); len(ps) > 0 {
		return cmdutil.ProblemsError(ps, nil)
	}
	t := targets[0]

	var s *api.Server
	res := ecsChange(f, "update", "update server", service.UpdateServer.String(), t.Region, []string{t.InstanceID}, func(crid string) attempt.Answer {
		var err error
		s, err = client.UpdateServer(ctx, api.ECSCall{Region: t.Region, ProjectID: t.ProjectID, RequestID: crid}, t.ServerID, u.Wire())
		if errors.Is(err, api.ErrAnswerUnreadable) {
			return attempt.Answer{State: journal.StateAccepted, Err: cmdutil.WithAdvice(err, "the change was made; see the server with `flexusl instance show "+t.InstanceID+"`")}
		}
		return attempt.Answer{Err: err}
	})
	if res.Err != nil {
		return res.Err
	}

	r := UpdateResult{ID: t.InstanceID, Name: t.Name, Region: t.Region, ServerID: s.ID, ServerName: s.Name, Description: s.Description,
		Hostname: s.Hostname, Status: s.Status, Updated: s.Updated}
	if r.ServerID == "" {
		r.ServerID = t.ServerID
	}
	if err := f.Print(r, func() ([]string, [][]string) {
		return []string{"INSTANCE ID", "NAME", "REGION", "SERVER ID", "SERVER NAME", "DESCRIPTION", "HOSTNAME", "STATUS"},
			[][]string{{r.ID, r.Name, r.Region, r.ServerID, cmdutil.Dash(r.ServerName), cmdutil.Dash(r.Description), cmdutil.Dash(r.Hostname), cmdutil.Dash(r.Status)}}
	}); err != nil {
		return err
	}
	if opts.Hostname != nil {
		f.IO.Infof("The new hostname takes effect after the server is restarted: flexusl instance reboot %s", t.InstanceID)
	}
	return nil
}
