package configcmd

import (
	"fmt"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/safetext"
	"github.com/spf13/cobra"
)

// GetOptions are the inputs of `config get`.
type GetOptions struct {
	Key string
}

// NewCmdGet is `flexusl config get`; runF replaces the run in tests.
func NewCmdGet(f *cmdutil.Factory, runF func(*GetOptions) error) *cobra.Command {
	opts := &GetOptions{}
	return &cobra.Command{
		Use:               "get KEY",
		Short:             "Print one setting's resolved value (secrets masked)",
		Example:           "  flexusl config get region",
		Args:              cmdutil.ExactArgs(1, "a KEY"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			if err := config.CheckKey(opts.Key); err != nil {
				return cmdutil.UsageError(err)
			}
			if runF != nil {
				return runF(opts)
			}
			return getRun(f, opts)
		},
	}
}

func getRun(f *cmdutil.Factory, opts *GetOptions) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	v := cfg.Get(opts.Key)
	if config.IsSecret(opts.Key) {
		v = config.Mask(opts.Key, v)
	}
	if f.IO.IsStdoutTTY() { // a person reads it: a hand-edited value must not rewrite the screen
		v = safetext.Line(v)
	}
	fmt.Fprintln(f.IO.Out, v)
	return nil
}
