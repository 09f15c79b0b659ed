// Package cmdutil is what every command shares: the Factory that lazily
// supplies config, catalog, API client and journal, the IO streams, and the
// helpers that turn errors into exit codes.
package cmdutil

import (
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/catalog"
	"github.com/flexusl/flexusl/pkg/config"
	"github.com/flexusl/flexusl/pkg/output"
	"github.com/flexusl/flexusl/pkg/ui"
	"github.com/spf13/pflag"
)

// Factory supplies what commands need, each part built on first use so a
// command pays only for what it touches (`--help` parses no config and no
// catalog).
type Factory struct {
	IO     *ui.IOStreams
	Getenv func(string) string

	// GlobalFlags are the root's persistent flags; the config reads the
	// ones the user set.
	GlobalFlags *pflag.FlagSet

	configOnce sync.Once
	cfg        *config.Config
	cfgErr     error

	catOnce sync.Once
	cat     *catalog.Catalog
	catErr  error

	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// HTTPClient supplies the HTTP client every API client of this run
	// sends through; nil means DefaultHTTPClient, the configured one. A
	// test swaps it (for a pkg/api/apitest registry's client) to answer
	// calls without a server or endpoint settings. Whatever it returns
	// still follows no redirect and gets the configured timeout when it
	// has none (see BareClient).
	HTTPClient func() (*http.Client, error)

	clientOnce sync.Once
	client     *api.Client
	clientErr  error

	// Signals are what CatchInterrupts catches (Execute sets them; in-process
	// tests leave them empty). Interrupt is what the first of them calls:
	// Run sets it to cancel the run.
	Signals   []os.Signal
	Interrupt func()
	sigOnce   sync.Once

	shapeOnce sync.Once
	shape     *output.Shape
	shapeErr  error

	// attempted is set once this run journaled a call that changes
	// something (Factory.Attempts): from then on its result must be printed.
	attempted atomic.Bool
}

// CatchInterrupts makes Signals (Ctrl-C, SIGTERM, ...) call Interrupt from
// now on, once per run. Commands that talk to the network, wait, prompt or
// serve get it before they run (the root's PersistentPreRunE); offline
// commands, help and completion never pay for a signal handler and its
// goroutines.
func (f *Factory) CatchInterrupts() {
	f.sigOnce.Do(func() {
		if len(f.Signals) == 0 || f.Interrupt == nil {
			return
		}
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, f.Signals...)
		go func() {
			<-ch
			f.Interrupt()
		}()
	})
}

// Config loads the configuration once: flags the user set, environment,
// the profile file. Its warnings are printed once, on stderr.
func (f *Factory) Config() (*config.Config, error) {
	f.configOnce.Do(func() {
		flags := map[string]string{}
		if f.GlobalFlags != nil {
			for _, o := range config.Options() {
				if o.Flag == "" {
					continue
				}
				if fl := f.GlobalFlags.Lookup(o.Flag); fl != nil && fl.Changed {
					flags[o.Key] = fl.Value.String()
				}
			}
		}
		f.cfg, f.cfgErr = config.Load(config.Inputs{Flags: flags, Getenv: f.Getenv})
		if f.cfgErr != nil {
			f.cfgErr = UsageError(f.cfgErr)
			return
		}
		for _, w := range f.cfg.Warnings {
			f.IO.Warnf("%s", w)
		}
		if err := f.cfg.Check(); err != nil {
			f.cfgErr = UsageError(err)
		}
	})
	return f.cfg, f.cfgErr
}

// Catalog returns the catalog: the file `catalog_file` names, else the
// embedded one. It is parsed on first use only.
func (f *Factory) Catalog() (*catalog.Catalog, error) {
	f.catOnce.Do(func() {
		cfg, err := f.Config()
		if err != nil {
			f.catErr = err
			return
		}
		if path := cfg.Get(config.KeyCatalogFile); path != "" {
			f.cat, f.catErr = catalog.Load(path)
			if f.catErr != nil {
				f.catErr = UsageError(f.catErr)
			}
			return
		}
		f.cat, f.catErr = catalog.Default()
	})
	return f.cat, f.catErr
}

// OutputFormat is the resolved -o/--output: json with --jq or --template
// (they shape the JSON data), table with --columns.
func (f *Factory) OutputFormat() (output.Format, error) {
	cfg, err := f.Config()
	if err != nil {
		return "", err
	}
	format, err := output.ParseFormat(cfg.Get(config.KeyOutput))
	if err != nil {
		return "", err
	}
	s, err := f.Shape()
	switch {
	case err != nil:
		return "", err
	case s.IsJSON():
		return output.JSON, nil
	case s != nil:
		return output.Table, nil
	}
	return format, nil
}

// Print writes a result to stdout in the resolved format, or shaped by
// --jq, --template or --columns: every result goes through here.
func (f *Factory) Print(data any, tbl output.TableFunc) error {
	format, err := f.OutputFormat()
	if err != nil {
		return err
	}
	if s, _ := f.Shape(); s != nil {
		return f.printShaped(s, data)
	}
	if format == output.Table && tbl != nil {
		// A table on a terminal fits its width (IDs are never cut).
		h0, r0 := tbl()
		h, rows, hidden := output.Fit(h0, r0, f.IO.TerminalWidth())
		tbl = func() ([]string, [][]string) { return h, rows }
		if len(hidden) > 0 {
			defer f.IO.Infof("(%s not shown: the terminal is %d columns wide; widen it, or pick columns with --columns, or use -o json)",
				strings.Join(hidden, ", "), f.IO.TerminalWidth())
		}
	}
	if err := output.Print(f.IO.Out, format, data, tbl); err != nil {
		return fmt.Errorf("print result: %w", err)
	}
	return nil
}
