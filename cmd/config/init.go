package configcmd

import (
	"fmt"
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/spf13/cobra"
)

// InitOptions are the inputs of `config init` (none of its own: it asks).
type InitOptions struct{}

// NewCmdInit is `flexusl config init`; runF replaces the run in tests.
func NewCmdInit(f *cmdutil.Factory, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{}
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
			if runF != nil {
				return runF(opts)
			}
			return initRun(f)
		},
	}
}

// initRun asks the questions and saves the answers in the profile in use.
func initRun(f *cmdutil.Factory) error {
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
}
