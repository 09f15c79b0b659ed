// Package version holds `flexusl version` (also `flexusl --version`).
package version

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/buildinfo"
	"github.com/spf13/cobra"
)

// NewCmdVersion is `flexusl version`.
func NewCmdVersion(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version",
		Long: `Print the version, commit and Go version (also: flexusl --version, -v).
A release binary carries the version and commit it was built from; a binary
from "go install" or "go build" reports the module version and the VCS
revision Go embedded in it.`,
		Example: "  flexusl version\n  flexusl version -o json\n  flexusl --version",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return Print(f)
		},
	}
	cmdutil.JSONKeys(cmd, "", buildinfo.Info{})
	return cmd
}

// Print prints the build's identity in the resolved output format, as
// `flexusl version` and `flexusl --version` do.
func Print(f *cmdutil.Factory) error {
	info := buildinfo.Get()
	return f.Print(info, func() ([]string, [][]string) {
		return []string{"VERSION", "COMMIT", "GO"}, [][]string{{info.Version, info.Commit, info.GoVersion}}
	})
}
