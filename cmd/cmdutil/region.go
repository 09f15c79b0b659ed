package cmdutil

import (
	"errors"

	"github.com/flexusl/flexusl/pkg/catalog"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/problem"
	"github.com/spf13/cobra"
)

// CheckRegion is the one rule for a region a user names, whatever the
// command: one of the catalog's FlexusL regions, else exit 2 with one
// message, `--region (region) "xx-bogus-9": is not a FlexusL region;
// allowed: ...; nothing was sent` (with the closest IDs), before anything
// is sent. from names where the value came from: "--region",
// "FLEXUSL_REGION", ...
func CheckRegion(f *Factory, region, from string) error {
	cat, err := f.Catalog()
	if err != nil {
		return err
	}
	if p := cat.CheckRegion(region); p != nil {
		msg := ProblemsError(problem.Problems{*p}, map[string]string{catalog.FieldRegion: from}).Error()
		return UsageError(errors.New(msg + "; nothing was sent"))
	}
	return nil
}

// RegionFlag is the region a command that names or lists instances
// narrows to: --region when given on the command line (checked by
// CheckRegion), else "" (every region). The profile's and the
// environment's region do not narrow: an instance is found wherever it is.
func RegionFlag(f *Factory) (string, error) {
	cfg, err := f.Config()
	if err != nil {
		return "", err
	}
	region, src := cfg.Resolve(config.KeyRegion)
	if src != config.SourceFlag {
		return "", nil
	}
	if err := CheckRegion(f, region, "--region"); err != nil {
		return "", err
	}
	return region, nil
}

// Region is the region a command about one region acts in: --region,
// FLEXUSL_REGION or the profile's region, checked by CheckRegion (the
// error names the one that was used); "" when none is set.
func Region(f *Factory) (string, error) {
	cfg, err := f.Config()
	if err != nil {
		return "", err
	}
	region, src := cfg.Resolve(config.KeyRegion)
	if region == "" {
		return "", nil
	}
	if err := CheckRegion(f, region, RegionSource(f, src)); err != nil {
		return "", err
	}
	return region, nil
}

// RegionSource names where a region from src came from, as CheckRegion's
// from: "--region", "FLEXUSL_REGION" or "the profile's region".
func RegionSource(f *Factory, src config.Source) string {
	switch src {
	case config.SourceFlag:
		return "--region"
	case config.SourceEnv:
		o, _ := config.Lookup(config.KeyRegion)
		for _, e := range o.Env {
			if f.Getenv(e) != "" {
				return e
			}
		}
	}
	return "the profile's region"
}

// CheckRegionFlag checks --region, when cmd was given it, for every
// command (the root's PersistentPreRunE): a bad region exits 2 the same
// way everywhere, before any command sends anything.
func CheckRegionFlag(f *Factory, cmd *cobra.Command) error {
	if fl := cmd.Flags().Lookup("region"); fl == nil || !fl.Changed {
		return nil
	}
	// --no-validate (instance buy) skips the catalog's checks, regions
	// newer than the catalog included: the server judges it.
	if nv := cmd.Flags().Lookup("no-validate"); nv != nil && nv.Value.String() == "true" {
		return nil
	}
	_, err := RegionFlag(f)
	return err
}
