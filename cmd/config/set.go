package configcmd

import (
	"io"
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/spf13/cobra"
)

// SetOptions are the inputs of `config set`.
type SetOptions struct {
	Key string
	// Value is the value argument; "-" reads it from stdin. Without one
	// (HasValue false) a terminal is asked.
	Value    string
	HasValue bool
}

// NewCmdSet is `flexusl config set`; runF replaces the run in tests.
func NewCmdSet(f *cmdutil.Factory, runF func(*SetOptions) error) *cobra.Command {
	opts := &SetOptions{}
	return &cobra.Command{
		Use:   "set KEY [VALUE | -]",
		Short: "Store a setting in the profile (creates the file and profile)",
		Example: `  flexusl config set region ap-southeast-3
  flexusl config set --profile ci endpoint https://hcss.ap-southeast-3.myhuaweicloud.com
  printf '%s\n' "$SK" | flexusl config set secret_key -`,
		Args:              cmdutil.RangeArgs(1, 2, "KEY [VALUE | -]"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			if err := config.CheckKey(opts.Key); err != nil {
				return cmdutil.UsageError(err)
			}
			if len(args) == 2 {
				opts.Value, opts.HasValue = args[1], true
			}
			if opts.HasValue && opts.Value != "-" && config.IsSecret(opts.Key) {
				return cmdutil.UsageErrorf("%s is a secret and is not taken on the command line (shell history, process lists): use `flexusl config set %s -` with the value on stdin, or leave the value out on a terminal to be asked", opts.Key, opts.Key)
			}
			if runF != nil {
				return runF(opts)
			}
			return setRun(f, opts)
		},
	}
}

func setRun(f *cmdutil.Factory, opts *SetOptions) error {
	key := opts.Key
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	value, err := readValue(f, opts)
	if err != nil {
		return err
	}
	if key == config.KeyRegion {
		cat, err := f.Catalog()
		if err != nil {
			return err
		}
		if p := cat.CheckRegion(value); p != nil {
			return cmdutil.ProblemsError(problem.Problems{*p}, nil)
		}
	}
	if err := cfg.SetInFile(cfg.Profile(), key, value); err != nil {
		return cmdutil.UsageError(err)
	}
	if err := cfg.Save(); err != nil {
		return err
	}
	shown := value
	if config.IsSecret(key) {
		shown = config.Mask(key, value)
	}
	f.IO.Infof("Set %s = %s in profile %q (%s).", key, shown, cfg.Profile(), cfg.Path)
	return nil
}

// readValue takes the value: the argument, stdin ("-"), or the answer on
// a terminal (a secret without echo). A secret never comes from the
// command line: NewCmdSet refuses it before this runs.
func readValue(f *cmdutil.Factory, opts *SetOptions) (string, error) {
	key := opts.Key
	secret := config.IsSecret(key)
	switch {
	case opts.HasValue && opts.Value == "-":
		b, err := io.ReadAll(io.LimitReader(f.IO.In, 64<<10))
		if err != nil {
			return "", err
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return "", cmdutil.UsageErrorf("no value on stdin for %s", key)
		}
		return v, nil
	case opts.HasValue:
		return opts.Value, nil
	case secret && f.IO.CanPrompt():
		v, err := f.IO.Password(key)
		if err == nil && v == "" {
			err = cmdutil.UsageErrorf("empty value for %s", key)
		}
		return v, err
	case f.IO.CanPrompt():
		return f.IO.Input(key, "")
	}
	return "", cmdutil.UsageErrorf("no value for %s: give it as an argument, or - to read stdin", key)
}
