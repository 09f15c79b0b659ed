// Package imagescmd holds `flexusl images`.
package imagescmd

import (
	"strings"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/catalog"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/spf13/cobra"
)

// Short is `flexusl images`'s one-line help: root help lists it from
// here without building the command.
const Short = "Application and OS images and their versions"

// NewCmdImages is `flexusl images`.
func NewCmdImages(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "images", Short: Short,
		Example: "  flexusl images list --type application"}
	cmd.AddCommand(NewCmdList(f, nil))
	return cmdutil.GroupCommand(cmd)
}

// ListOptions are the inputs of `images list`.
type ListOptions struct{ Type string }

// NewCmdList is `flexusl images list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List image versions and the specs each supports",
		Long: `List application and OS images, one row per version, with the spec codes
each supports, from the catalog (offline). With --region (or the profile's
region) versions not offered there are left out and the specs are those
offered there.`,
		Example: `  flexusl images list
  flexusl images list --type os --region tr-west-1
  flexusl images list --type application -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Type, "type", "", "image type: application or os")
	cmdutil.JSONKeys(cmd, "", catalog.ImageRow{})
	return cmd
}

func listRun(f *cmdutil.Factory, opts *ListOptions) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	cat, err := f.Catalog()
	if err != nil {
		return err
	}
	rows, ps := cat.ListImages(opts.Type, cfg.Get(config.KeyRegion))
	if len(ps) > 0 {
		return cmdutil.ProblemsError(ps, map[string]string{"type": "--type", catalog.FieldRegion: "--region"})
	}
	return f.Print(rows, func() ([]string, [][]string) {
		out := make([][]string, len(rows))
		for i, r := range rows {
			out[i] = []string{r.Name, r.Version, r.Type, strings.Join(r.Specs, ", ")}
		}
		return []string{"NAME", "VERSION", "TYPE", "SPECS"}, out
	})
}
