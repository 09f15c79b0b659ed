// Command gen writes flexusl's reference: markdown pages and man pages for
// every command, from the command tree itself (make docs).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/flexusl/flexusl/cmd"
	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/ui"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

func main() {
	out := flag.String("out", "docs", "output directory")
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
	// A fixed date keeps the pages reproducible (make test checks them).
	date := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := doc.GenManTree(root, &doc.GenManHeader{Title: "FLEXUSL", Section: "1", Source: "flexusl", Manual: "flexusl manual", Date: &date}, man); err != nil {
		fail(err)
	}
	fmt.Println("wrote", md, "and", man)
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
