package configcmd

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/spf13/cobra"
)

// ProfileRow is one profile in `config profiles`.
type ProfileRow struct {
	Name     string `json:"name"`
	Active   bool   `json:"active"`
	Region   string `json:"region"`
	AuthMode string `json:"auth_mode"`
}

// ProfilesOptions are the inputs of `config profiles` (none of its own).
type ProfilesOptions struct{}

// NewCmdProfiles is `flexusl config profiles`; runF replaces the run in
// tests.
func NewCmdProfiles(f *cmdutil.Factory, runF func(*ProfilesOptions) error) *cobra.Command {
	opts := &ProfilesOptions{}
	cmd := &cobra.Command{
		Use:     "profiles",
		Short:   "List the profiles (the active one marked)",
		Example: "  flexusl config profiles",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return profilesRun(f)
		},
	}
	cmdutil.JSONKeys(cmd, "", ProfileRow{})
	return cmd
}

func profilesRun(f *cmdutil.Factory) error {
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
}
