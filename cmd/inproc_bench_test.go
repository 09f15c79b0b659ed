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
				io, _, _, _ := ui.Test()
				f := &cmdutil.Factory{IO: io, Getenv: func(string) string { return "" }}
				Run(context.Background(), f, args)
			}
		})
	}
}
