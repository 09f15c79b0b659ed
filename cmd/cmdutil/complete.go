package cmdutil

import (
	"fmt"
	"strings"

	"github.com/flexusl/flexusl/pkg/cache"
	"github.com/flexusl/flexusl/pkg/catalog"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/journal"
	"github.com/flexusl/flexusl/pkg/output"
	"github.com/flexusl/flexusl/pkg/safetext"
	"github.com/spf13/cobra"
)

// Completion is offline: it reads the catalog, the config file, the
// journal and the instance cache, never the network.

type compFunc = func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective)

const noFile = cobra.ShellCompDirectiveNoFileComp

// typedRegion is the region on the command line, else from env or profile.
func typedRegion(f *Factory, cmd *cobra.Command) string {
	if fl := cmd.Flags().Lookup("region"); fl != nil && fl.Changed {
		return fl.Value.String()
	}
	if cfg, err := f.Config(); err == nil {
		return cfg.Get(config.KeyRegion)
	}
	return ""
}

func flagValue(cmd *cobra.Command, name string) string {
	if fl := cmd.Flags().Lookup(name); fl != nil && fl.Changed {
		return fl.Value.String()
	}
	return ""
}

func withPrefix(items []cobra.Completion, prefix string) []cobra.Completion {
	out := items[:0:0]
	for _, it := range items {
		if strings.HasPrefix(strings.ToLower(it), strings.ToLower(prefix)) {
			out = append(out, it)
		}
	}
	return out
}

// CompleteRegions completes region IDs with their names.
func CompleteRegions(f *Factory) compFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		cat, err := f.Catalog()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var out []cobra.Completion
		for _, r := range cat.Regions {
			out = append(out, cobra.CompletionWithDesc(r.ID, r.Name))
		}
		return withPrefix(out, prefix), noFile | cobra.ShellCompDirectiveKeepOrder
	}
}

// CompleteProfiles completes profile names from the config file.
func CompleteProfiles(f *Factory) compFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		cfg, err := f.Config()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var out []cobra.Completion
		for _, n := range cfg.File.ProfileNames() {
			desc := cfg.File.Profiles[n][config.KeyRegion]
			if n == cfg.File.ActiveProfile {
				desc = strings.TrimSpace("active " + desc)
			}
			out = append(out, cobra.CompletionWithDesc(n, desc))
		}
		return withPrefix(out, prefix), noFile
	}
}

// CompleteOrderIDs completes order IDs from the journal, newest first.
func CompleteOrderIDs(f *Factory) compFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, noFile
		}
		var entries []journal.Entry
		if path, err := f.JournalPath(); err == nil {
			entries, _, _ = journal.Read(path)
		}
		var out []cobra.Completion
		seen := map[string]bool{}
		// Orders as they were placed, newest first, each once: a payment or
		// a cancellation holds the order too, and adds only an order placed
		// elsewhere (the console).
		newest := journal.Newest(entries)
		var placed, actedOn []journal.Entry
		for _, e := range newest {
			if journal.KindOf(e.Kind).OnOrder {
				actedOn = append(actedOn, e)
			} else {
				placed = append(placed, e)
			}
		}
		for _, e := range append(placed, actedOn...) {
			for _, id := range e.OrderIDs {
				if seen[id] {
					continue
				}
				seen[id] = true
				if safetext.IsSafe(id) {
					out = append(out, cobra.CompletionWithDesc(id, safetext.Line(fmt.Sprintf("%s %s %s", e.Name, e.Region, e.Time.Format("2006-01-02 15:04")))))
				}
			}
		}
		return withPrefix(out, prefix), noFile | cobra.ShellCompDirectiveKeepOrder
	}
}

// RegisterGlobalCompletions completes the root's --region, --output, --profile.
func RegisterGlobalCompletions(root *cobra.Command, f *Factory) {
	root.RegisterFlagCompletionFunc("region", CompleteRegions(f))
	root.RegisterFlagCompletionFunc("profile", CompleteProfiles(f))
	root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(output.Formats, noFile))
}

// RegisterBuyCompletions completes `instance buy`: --image (in the typed
// region), --image-version (of the typed image), --spec (what the typed
// image, version and region allow, with the spec's figures), --period-type.
func RegisterBuyCompletions(cmd *cobra.Command, f *Factory) {
	cmd.RegisterFlagCompletionFunc("image", func(c *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		cat, err := f.Catalog()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		rows, _ := cat.ListImages("", validRegion(cat, typedRegion(f, c)))
		var out []cobra.Completion
		seen := map[string]bool{}
		for _, r := range rows {
			if !seen[r.Name] {
				seen[r.Name] = true
				out = append(out, cobra.CompletionWithDesc(r.Name, r.Type+" image"))
			}
		}
		return withPrefix(out, prefix), noFile | cobra.ShellCompDirectiveKeepOrder
	})
	cmd.RegisterFlagCompletionFunc("image-version", func(c *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		cat, err := f.Catalog()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		im, ok := cat.Image(flagValue(c, "image"))
		if !ok {
			return nil, noFile
		}
		var out []cobra.Completion
		for _, v := range im.VersionNames(validRegion(cat, typedRegion(f, c))) {
			out = append(out, cobra.CompletionWithDesc(v, im.Name))
		}
		return withPrefix(out, prefix), noFile | cobra.ShellCompDirectiveKeepOrder
	})
	specs := func(c *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		cat, err := f.Catalog()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		q := catalog.SpecQuery{Region: validRegion(cat, typedRegion(f, c)), Image: flagValue(c, "image"), Version: flagValue(c, "image-version")}
		if flagValue(c, "image-id") != "" {
			q.Image, q.Version = "", ""
		}
		found, ps := cat.FindSpecs(q)
		if len(ps) > 0 {
			found, _ = cat.FindSpecs(catalog.SpecQuery{})
		}
		var out []cobra.Completion
		for _, s := range found {
			out = append(out, cobra.CompletionWithDesc(s.Code, s.Summary()))
		}
		return withPrefix(out, prefix), noFile | cobra.ShellCompDirectiveKeepOrder
	}
	cmd.RegisterFlagCompletionFunc("spec", specs)
	cmd.RegisterFlagCompletionFunc("plan-spec", specs)
	cmd.RegisterFlagCompletionFunc("period-type", cobra.FixedCompletions([]string{"month", "year"}, noFile))
}

func validRegion(cat *catalog.Catalog, r string) string {
	if _, ok := cat.Region(r); ok {
		return r
	}
	return ""
}

// CompleteInstances completes instance names and IDs for commands that
// take ID|NAME arguments, offline: from the cache `instance list` and
// `instance show` write, and the instance IDs of purchases in the journal.
// With --region typed, only that region's. Arguments already given are not
// offered again. A name is offered when it names one instance (an
// ambiguous name would exit 2); every ID is offered.
func CompleteInstances(f *Factory) compFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		region := flagValue(cmd, "region")
		st, _ := cache.Read(f.InstanceCachePath())
		var entries []journal.Entry
		if path, err := f.JournalPath(); err == nil {
			entries, _, _ = journal.Read(path)
		}
		known := Completable(st, entries)
		given := map[string]bool{}
		for _, a := range args {
			given[a] = true
		}
		names := map[string]int{}
		var inRegion []cache.Instance
		for _, in := range known {
			if region != "" && in.Region != region {
				continue
			}
			inRegion = append(inRegion, in)
			if in.Name != "" {
				names[in.Name]++
			}
		}
		var byName, byID []cobra.Completion
		for _, in := range inRegion {
			if !safetext.IsSafe(in.ID) {
				continue
			}
			if names[in.Name] == 1 && !given[in.Name] && !given[in.ID] && safetext.IsSafe(in.Name) {
				byName = append(byName, cobra.CompletionWithDesc(in.Name, safetext.Line(in.ID+" "+in.Region)))
			}
			if !given[in.ID] && !given[in.Name] {
				byID = append(byID, cobra.CompletionWithDesc(in.ID, safetext.Line(strings.TrimSpace(in.Name+" "+in.Region))))
			}
		}
		return withPrefix(append(byName, byID...), prefix), noFile | cobra.ShellCompDirectiveKeepOrder
	}
}

// Completable is what instance completion offers: the latest listing (the
// cache), with what the journal says happened since it: instances bought
// (accepted purchases) added, instances unsubscribed (accepted) removed.
// What the journal says happened before a listing of its region is
// already reflected in it, so a deleted instance or an order cancelled
// before it ran is not offered again.
func Completable(st cache.State, entries []journal.Entry) []cache.Instance {
	gone := map[string]bool{}
	added := map[string]cache.Instance{}
	for _, e := range entries { // oldest first: a later entry wins
		if e.State != journal.StateAccepted || st.ListedSince(e.Region, e.Time) {
			continue
		}
		for _, id := range e.ResourceIDs {
			switch e.Kind {
			case journal.KindPurchase:
				added[id] = cache.Instance{ID: id, Name: e.Name, Region: e.Region}
				delete(gone, id)
			case journal.KindUnsubscribe:
				gone[id] = true
				delete(added, id)
			}
		}
	}
	var out []cache.Instance
	seen := map[string]bool{}
	for _, in := range st.Instances {
		if !gone[in.ID] && !seen[in.ID] {
			seen[in.ID] = true
			out = append(out, in)
		}
	}
	for i := len(entries) - 1; i >= 0; i-- { // newest purchases first, as before
		for _, id := range entries[i].ResourceIDs {
			if in, ok := added[id]; ok && !seen[id] {
				seen[id] = true
				out = append(out, in)
			}
		}
	}
	return out
}

// FirstArgOnly completes the first positional argument with fn and
// nothing after it (for commands that take one ID|NAME).
func FirstArgOnly(fn compFunc) compFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, noFile
		}
		return fn(cmd, args, prefix)
	}
}
