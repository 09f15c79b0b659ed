package configcmd

import (
	"fmt"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/spf13/cobra"
)

// PathOptions are the inputs of `config path` (none of its own).
type PathOptions struct{}

// NewCmdPath is `flexusl config path`; runF replaces the run in tests.
func NewCmdPath(f *cmdutil.Factory, runF func(*PathOptions) error) *cobra.Command {
	opts := &PathOptions{}
	return &cobra.Command{
		Use:     "path",
		Short:   "Print the config file's path",
		Example: "  flexusl config path\n  FLEXUSL_CONFIG=./ci.yaml flexusl config path",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			fmt.Fprintln(f.IO.Out, cfg.Path)
			return nil
		},
	}
}
