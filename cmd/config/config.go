// Package configcmd holds `flexusl config`.
package configcmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/flexusl/flexusl/pkg/safetext"
	"github.com/spf13/cobra"
)

// Short is `flexusl config`'s one-line help: root help lists it from
// here without building the command.
const Short = "Read and change profiles in the config file"

// NewCmdConfig is `flexusl config`.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: Short,
		Long: `Read and change the config file's profiles. Commands act on the profile
in use: --profile, else FLEXUSL_PROFILE, else the file's active_profile,
else "default". "set" creates the file and the profile when they do not
exist. The file is written atomically with mode 0600 in a 0700 directory;
values given by flags or the environment are never written to it.

Secrets (token, access_key, secret_key, security_token) are masked
wherever they are shown, and never taken on the command line: "config set
KEY -" reads the value from stdin, and on a terminal leaving the value out
asks for it without echo.`,
	}
	cmd.Long += "\n\n" + config.Reference()
	cmd.Example = `  flexusl config set region ap-southeast-3
  flexusl config list
  flexusl help config`
	// get and path print a bare value, the others only change the file.
	cmd.AddCommand(newList(f), newProfiles(f))
	cmd.AddCommand(cmdutil.NoResult(newGet(f), newSet(f), newUnset(f), newUse(f), newDelete(f), newPath(f), newInit(f))...)
	return cmdutil.GroupCommand(cmd)
}

func completeKeys(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, o := range config.Options {
		if o.InFile && strings.HasPrefix(o.Key, prefix) {
			out = append(out, cobra.CompletionWithDesc(o.Key, o.Usage))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

func newList(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the profile's settings with where each comes from (secrets masked)",
		Example: "  flexusl config list\n  flexusl config list --profile ci -o json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
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
		},
	}
	cmdutil.JSONKeys(cmd, "", config.Setting{})
	return cmd
}

func newGet(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:               "get KEY",
		Short:             "Print one setting's resolved value (secrets masked)",
		Example:           "  flexusl config get region",
		Args:              cmdutil.ExactArgs(1, "a KEY"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := config.CheckKey(args[0]); err != nil {
				return cmdutil.UsageError(err)
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			v := cfg.Get(args[0])
			if config.IsSecret(args[0]) {
				v = config.Mask(args[0], v)
			}
			if f.IO.IsStdoutTTY() { // a person reads it: a hand-edited value must not rewrite the screen
				v = safetext.Line(v)
			}
			fmt.Fprintln(f.IO.Out, v)
			return nil
		},
	}
}

func newSet(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "set KEY [VALUE | -]",
		Short: "Store a setting in the profile (creates the file and profile)",
		Example: `  flexusl config set region ap-southeast-3
  flexusl config set --profile ci endpoint https://hcss.ap-southeast-3.myhuaweicloud.com
  printf '%s\n' "$SK" | flexusl config set secret_key -`,
		Args:              cmdutil.RangeArgs(1, 2, "KEY [VALUE | -]"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			key := args[0]
			if err := config.CheckKey(key); err != nil {
				return cmdutil.UsageError(err)
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			value, err := readValue(f, key, args)
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
		},
	}
}

// readValue takes the value argument, refusing secrets on the command line.
func readValue(f *cmdutil.Factory, key string, args []string) (string, error) {
	secret := config.IsSecret(key)
	switch {
	case len(args) == 2 && args[1] == "-":
		b, err := io.ReadAll(io.LimitReader(f.IO.In, 64<<10))
		if err != nil {
			return "", err
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return "", cmdutil.UsageErrorf("no value on stdin for %s", key)
		}
		return v, nil
	case len(args) == 2 && secret:
		return "", cmdutil.UsageErrorf("%s is a secret and is not taken on the command line (shell history, process lists): use `flexusl config set %s -` with the value on stdin, or leave the value out on a terminal to be asked", key, key)
	case len(args) == 2:
		return args[1], nil
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

func newUnset(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:               "unset KEY",
		Short:             "Remove a setting from the profile",
		Example:           "  flexusl config unset token",
		Args:              cmdutil.ExactArgs(1, "a KEY"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			key, profile := args[0], cfg.Profile()
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
		},
	}
}

// ProfileRow is one profile in `config profiles`.
type ProfileRow struct {
	Name     string `json:"name"`
	Active   bool   `json:"active"`
	Region   string `json:"region"`
	AuthMode string `json:"auth_mode"`
}

func newProfiles(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "profiles",
		Short:   "List the profiles (the active one marked)",
		Example: "  flexusl config profiles",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			rows := []ProfileRow{}
			for _, n := range cfg.File.ProfileNames() {
				p := cfg.File.Profiles[n]
				mode := p[config.KeyAuthMode]
				if mode == "" {
					switch {
					case p[config.KeyAccessKey] != "":
						mode = "aksk"
					case p[config.KeyToken] != "":
						mode = "token"
					}
				}
				rows = append(rows, ProfileRow{Name: n, Active: n == cfg.Profile(), Region: p[config.KeyRegion], AuthMode: mode})
			}
			return f.Print(rows, func() ([]string, [][]string) {
				out := make([][]string, len(rows))
				for i, r := range rows {
					mark := ""
					if r.Active {
						mark = "*"
					}
					out[i] = []string{mark, r.Name, cmdutil.Dash(r.Region), cmdutil.Dash(r.AuthMode)}
				}
				return []string{"ACTIVE", "NAME", "REGION", "AUTH"}, out
			})
		},
	}
	cmdutil.JSONKeys(cmd, "", ProfileRow{})
	return cmd
}

func newUse(f *cmdutil.Factory) *cobra.Command {
	return profileCommand(f, "use NAME", "Make a profile the active one", "  flexusl config use prod", (*config.Config).UseProfile,
		func(cfg *config.Config, name string) {
			f.IO.Infof("Active profile is now %q (%s).", strings.ToLower(name), cfg.Path)
			if v, src := cfg.Resolve(config.KeyProfile); src == config.SourceEnv && v != strings.ToLower(name) {
				f.IO.Warnf("FLEXUSL_PROFILE=%s is set in the environment and wins over the active profile", v)
			}
		})
}

func newDelete(f *cmdutil.Factory) *cobra.Command {
	return profileCommand(f, "delete NAME", "Delete a profile", "  flexusl config delete old", (*config.Config).DeleteProfile,
		func(cfg *config.Config, name string) {
			f.IO.Infof("Deleted profile %q from %s.", strings.ToLower(name), cfg.Path)
		})
}

// profileCommand is a command that changes the file through one operation
// on a named profile, saves it and reports what it did.
func profileCommand(f *cmdutil.Factory, use, short, example string, op func(*config.Config, string) error, done func(*config.Config, string)) *cobra.Command {
	return &cobra.Command{
		Use:               use,
		Short:             short,
		Example:           example,
		Args:              cmdutil.ExactArgs(1, "a profile NAME"),
		ValidArgsFunction: cmdutil.CompleteProfiles(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			if err := op(cfg, args[0]); err != nil {
				return cmdutil.UsageError(err)
			}
			if err := cfg.Save(); err != nil {
				return err
			}
			done(cfg, args[0])
			return nil
		},
	}
}

func newPath(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "path",
		Short:   "Print the config file's path",
		Example: "  flexusl config path\n  FLEXUSL_CONFIG=./ci.yaml flexusl config path",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			fmt.Fprintln(f.IO.Out, cfg.Path)
			return nil
		},
	}
}

func newInit(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "init",
		Short:   "Set up a profile with a few questions (needs a terminal)",
		Example: "  flexusl config init\n  flexusl config init --profile work",
		Long: `Set up the profile in use with a few questions: the region, the output
format and how to authenticate (a token from "flexusl auth login" later, or
an access key pair asked now, the secret without echo). Without a terminal
it refuses: use "config set" in scripts.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !f.IO.CanPrompt() {
				return cmdutil.UsageErrorf("config init asks questions and needs a terminal; in scripts use `flexusl config set KEY VALUE`")
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			cat, err := f.Catalog()
			if err != nil {
				return err
			}
			profile := cfg.Profile()
			fmt.Fprintf(f.IO.ErrOut, "Setting up profile %q in %s\n", profile, cfg.Path)
			regions := make([]string, 0, len(cat.Regions))
			for _, r := range cat.Regions {
				regions = append(regions, r.ID+" ("+r.Name+")")
			}
			fmt.Fprintf(f.IO.ErrOut, "Regions: %s\n", strings.Join(regions, ", "))
			var region string
			for {
				region, err = f.IO.Input("Region", "ap-southeast-3")
				if err != nil {
					return err
				}
				if p := cat.CheckRegion(region); p != nil {
					fmt.Fprintln(f.IO.ErrOut, p.Error())
					continue
				}
				break
			}
			out, err := f.IO.Input("Output format (table, json, yaml)", "table")
			if err != nil {
				return err
			}
			mode, err := f.IO.Input("Authenticate with a token (flexusl auth login) or an access key pair (token, aksk)", "token")
			if err != nil {
				return err
			}
			set := map[string]string{config.KeyRegion: region, config.KeyOutput: out, config.KeyAuthMode: mode}
			if mode == "aksk" {
				ak, err := f.IO.Input("Access key ID", "")
				if err != nil {
					return err
				}
				sk, err := f.IO.Password("Secret access key")
				if err != nil {
					return err
				}
				set[config.KeyAccessKey], set[config.KeySecretKey] = ak, sk
			}
			for k, v := range set {
				if err := cfg.SetInFile(profile, k, v); err != nil {
					return cmdutil.UsageError(err)
				}
			}
			if err := cfg.ActivateIfNone(profile); err != nil {
				return err
			}
			if err := cfg.Save(); err != nil {
				return err
			}
			f.IO.Infof("Saved profile %q.", profile)
			if mode == "token" {
				f.IO.Infof("Next: flexusl auth login")
			}
			return nil
		},
	}
}
