package configcmd

import (
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/spf13/cobra"
)

// ProfileOptions are the inputs of `config use` and `config delete`: the
// profile they act on.
type ProfileOptions struct {
	Name string
}

// NewCmdUse is `flexusl config use`; runF replaces the run in tests.
func NewCmdUse(f *cmdutil.Factory, runF func(*ProfileOptions) error) *cobra.Command {
	return profileCommand(f, runF, "use NAME", "Make a profile the active one", "  flexusl config use prod", (*config.Config).UseProfile,
		func(cfg *config.Config, name string) {
			f.IO.Infof("Active profile is now %q (%s).", strings.ToLower(name), cfg.Path)
			if v, src := cfg.Resolve(config.KeyProfile); src == config.SourceEnv && v != strings.ToLower(name) {
				f.IO.Warnf("FLEXUSL_PROFILE=%s is set in the environment and wins over the active profile", v)
			}
		})
}

// profileCommand is a command that changes the file through one operation
// on a named profile, saves it and reports what it did.
func profileCommand(f *cmdutil.Factory, runF func(*ProfileOptions) error, use, short, example string, op func(*config.Config, string) error, done func(*config.Config, string)) *cobra.Command {
	opts := &ProfileOptions{}
	return &cobra.Command{
		Use:               use,
		Short:             short,
		Example:           example,
		Args:              cmdutil.ExactArgs(1, "a profile NAME"),
		ValidArgsFunction: cmdutil.CompleteProfiles(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			if err := op(cfg, opts.Name); err != nil {
				return cmdutil.UsageError(err)
			}
			if err := cfg.Save(); err != nil {
				return err
			}
			done(cfg, opts.Name)
			return nil
		},
	}
}
