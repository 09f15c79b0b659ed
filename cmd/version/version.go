// Package versioncmd holds `flexusl version` (also `flexusl --version`).
package versioncmd

import (
	"fmt"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/buildinfo"
	"github.com/flexusl/flexusl/pkg/output"
	"github.com/spf13/cobra"
)

// Short is `flexusl version`'s one-line help: root help lists it from
// here without building the command.
const Short = "Print the version, commit and Go version"

// Options are the inputs of `flexusl version` (none of its own).
type Options struct{}

// NewCmdVersion is `flexusl version`; runF replaces the run in tests.
func NewCmdVersion(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:   "version",
		Short: Short,
		Long: `Print the version, commit and Go version (also: flexusl --version, -v).
A release binary carries the version and commit it was built from; a binary
from "go install" or "go build" reports the module version and the VCS
revision Go embedded in it.`,
		Example: "  flexusl version\n  flexusl version -o json\n  flexusl --version",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return Print(f)
		},
	}
	cmdutil.JSONKeys(cmd, "", buildinfo.Info{})
	return cmd
}

// Print prints the build's identity in the resolved output format, as
// `flexusl version` and `flexusl --version` do: for people one line, as gh
// and hcloud print it; JSON and YAML the same fields as keys.
func Print(f *cmdutil.Factory) error {
	info := buildinfo.Get()
	format, err := f.OutputFormat()
	if err != nil {
		return err
	}
	if shape, _ := f.Shape(); shape == nil && format == output.Table {
		_, err := fmt.Fprintf(f.IO.Out, "flexusl version %s (commit %s, %s)\n", info.Version, info.Commit, info.GoVersion)
		return err
	}
	return f.Print(info, nil)
}
