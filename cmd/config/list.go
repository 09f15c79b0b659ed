package configcmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/spf13/cobra"
)

// ListOptions are the inputs of `config list` (it has none of its own:
// the profile comes from --profile).
type ListOptions struct{}

// NewCmdList is `flexusl config list`; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{}
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the profile's settings with where each comes from (secrets masked)",
		Example: "  flexusl config list\n  flexusl config list --profile ci -o json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(f)
		},
	}
	cmdutil.JSONKeys(cmd, "", config.Setting{})
	return cmd
}

func listRun(f *cmdutil.Factory) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	ss := cfg.Settings()
	return f.Print(ss, func() ([]string, [][]string) {
		rows := make([][]string, len(ss))
		for i, s := range ss {
			rows[i] = []string{s.Key, cmdutil.Dash(s.Value), string(s.Source)}
		}
		return []string{"KEY", "VALUE", "SOURCE"}, rows
	})
}
