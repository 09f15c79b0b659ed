// Command gen writes flexusl's reference: markdown pages and man pages for
// every command, from the command tree itself (make docs). With -goreleaser
// it also rewrites the Homebrew cask's list of man pages in that file, so
// that a release installs every page.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/flexusl/flexusl/cmd"
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/ui"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

func main() {
	out := flag.String("out", "docs", "output directory")
	grc := flag.String("goreleaser", "", "goreleaser config whose cask man page list to rewrite")
	flag.Parse()
	io, _, _, _ := ui.Test()
	root := cmd.NewRootCmd(&cmdutil.Factory{IO: io, Getenv: func(string) string { return "" }})
	disableAutoGen(root)
	md := filepath.Join(*out, "reference")
	man := filepath.Join(*out, "man")
	for _, d := range []string{md, man} {
		if err := os.RemoveAll(d); err != nil {
			fail(err)
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			fail(err)
		}
	}
	if err := doc.GenMarkdownTree(root, md); err != nil {
		fail(err)
	}
	// A fixed date keeps the pages reproducible (make test checks them). No
	// Title: cobra then heads each page with its command (FLEXUSL-INSTANCE-BUY),
	// not FLEXUSL on every page.
	date := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := doc.GenManTree(root, &doc.GenManHeader{Section: "1", Source: "flexusl", Manual: "flexusl manual", Date: &date}, man); err != nil {
		fail(err)
	}
	fmt.Println("wrote", md, "and", man)
	if *grc != "" {
		if err := rewriteManpages(*grc, man); err != nil {
			fail(err)
		}
		fmt.Println("wrote the man page list in", *grc)
	}
}

// rewriteManpages replaces the lines between "# BEGIN manpages" and
// "# END manpages" in the goreleaser config with one list item per page in
// dir, as the release archives hold them (man/man1/NAME.1).
func rewriteManpages(config, dir string) error {
	data, err := os.ReadFile(config)
	if err != nil {
		return err
	}
	pages, err := filepath.Glob(filepath.Join(dir, "*.1"))
	if err != nil {
		return err
	}
	sort.Strings(pages)
	lines := strings.SplitAfter(string(data), "\n")
	var b strings.Builder
	inside, found := false, false
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "# BEGIN manpages"):
			b.WriteString(l)
			indent := l[:len(l)-len(strings.TrimLeft(l, " "))]
			for _, p := range pages {
				b.WriteString(indent + "- man/man1/" + filepath.Base(p) + "\n")
			}
			inside, found = true, true
		case strings.HasPrefix(t, "# END manpages"):
			b.WriteString(l)
			inside = false
		case !inside:
			b.WriteString(l)
		}
	}
	if !found || inside {
		return fmt.Errorf("%s: no \"# BEGIN manpages\" ... \"# END manpages\" block", config)
	}
	return os.WriteFile(config, []byte(b.String()), 0o644)
}

func disableAutoGen(c *cobra.Command) {
	c.DisableAutoGenTag = true
	for _, s := range c.Commands() {
		disableAutoGen(s)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
