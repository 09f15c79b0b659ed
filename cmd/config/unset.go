package configcmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/spf13/cobra"
)

// UnsetOptions are the inputs of `config unset`.
type UnsetOptions struct {
	Key string
}

// NewCmdUnset is `flexusl config unset`; runF replaces the run in tests.
func NewCmdUnset(f *cmdutil.Factory, runF func(*UnsetOptions) error) *cobra.Command {
	opts := &UnsetOptions{}
	return &cobra.Command{
		Use:               "unset KEY",
		Short:             "Remove a setting from the profile",
		Example:           "  flexusl config unset token",
		Args:              cmdutil.ExactArgs(1, "a KEY"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			if runF != nil {
				return runF(opts)
			}
			return unsetRun(f, opts)
		},
	}
}

func unsetRun(f *cmdutil.Factory, opts *UnsetOptions) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	key, profile := opts.Key, cfg.Profile()
	_, had := cfg.File.Profiles[profile][key]
	if err := cfg.UnsetInFile(profile, key); err != nil {
		return cmdutil.UsageError(err)
	}
	if !had {
		f.IO.Infof("%s is not set in profile %q; nothing to remove.", key, profile)
	} else {
		if err := cfg.Save(); err != nil {
			return err
		}
		f.IO.Infof("Removed %s from profile %q (%s).", key, profile, cfg.Path)
	}
	if v, src := cfg.Resolve(key); src == config.SourceEnv || src == config.SourceFlag {
		if config.IsSecret(key) {
			v = config.Mask(key, v)
		}
		f.IO.Infof("%s is still %s here, from the %s.", key, v, map[config.Source]string{config.SourceEnv: "environment", config.SourceFlag: "command line"}[src])
	}
	return nil
}
