// Package version holds `flexusl version`.
package version

import (
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/buildinfo"
	"github.com/spf13/cobra"
)

// NewCmdVersion is `flexusl version`.
func NewCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version, commit and Go version",
		Example: "  flexusl version\n  flexusl version -o json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			info := buildinfo.Get()
			return f.Print(info, func() ([]string, [][]string) {
				return []string{"VERSION", "COMMIT", "GO"}, [][]string{{info.Version, info.Commit, info.GoVersion}}
			})
		},
	}
}
