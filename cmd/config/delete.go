package configcmd

import (
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/spf13/cobra"
)

// NewCmdDelete is `flexusl config delete`; runF replaces the run in tests.
func NewCmdDelete(f *cmdutil.Factory, runF func(*ProfileOptions) error) *cobra.Command {
	return profileCommand(f, runF, "delete NAME", "Delete a profile", "  flexusl config delete old", (*config.Config).DeleteProfile,
		func(cfg *config.Config, name string) {
			f.IO.Infof("Deleted profile %q from %s.", strings.ToLower(name), cfg.Path)
		})
}
