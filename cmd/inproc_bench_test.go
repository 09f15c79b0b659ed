package cmd

import (
	"context"
	"testing"

	"github.com/flexusl/flexusl/cmd/cmdutil"
	"github.com/flexusl/flexusl/pkg/ui"
)

func BenchmarkInProcess(b *testing.B) {
	for _, args := range [][]string{{"--help"}, {"version", "-o", "json"}, {"specs", "list", "-o", "json"}} {
		b.Run(args[0], func(b *testing.B) {
			for b.Loop() {
				_, f := benchFactory()
				Run(context.Background(), f, args)
			}
		})
	}
}

func benchFactory() (*ui.IOStreams, *cmdutil.Factory) {
	io, _, _, _ := ui.Test()
	return io, &cmdutil.Factory{IO: io, Getenv: func(string) string { return "" }}
}
