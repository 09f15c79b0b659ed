package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// Start-up benchmarks (make bench): each iteration runs the built flexusl
// and a bare cobra+viper program (testdata/bare) once, alternately, so both
// see the same machine load. Reported: the median wall time of each and
// their ratio (x-bare); the target is at most 1.3.

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

func buildBinaries(b *testing.B) (flexusl, bare string) {
	b.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "flexusl-bench-")
		if buildErr != nil {
			return
		}
		for name, pkg := range map[string]string{"flexusl": ".", "bare": "./testdata/bare"} {
			out, err := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", filepath.Join(binDir, name), pkg).CombinedOutput()
			if err != nil {
				buildErr = &buildError{name, string(out), err}
				return
			}
		}
	})
	if buildErr != nil {
		b.Fatal(buildErr)
	}
	return filepath.Join(binDir, "flexusl"), filepath.Join(binDir, "bare")
}

type buildError struct {
	name, out string
	err       error
}

func (e *buildError) Error() string { return "build " + e.name + ": " + e.err.Error() + "\n" + e.out }

func timeRun(b *testing.B, env []string, bin string, args ...string) time.Duration {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s %v: %v\n%s", bin, args, err, out)
	}
	return time.Since(start)
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// compare runs flexusl and bare alternately b.N times and reports medians
// and the ratio.
func compare(b *testing.B, flexArgs, bareArgs []string) {
	flexusl, bare := buildBinaries(b)
	home := b.TempDir()
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "XDG_STATE_HOME=" + filepath.Join(home, "state")}
	// Warm the page cache.
	timeRun(b, env, flexusl, flexArgs...)
	timeRun(b, env, bare, bareArgs...)
	var f, r []time.Duration
	b.ResetTimer()
	for b.Loop() {
		f = append(f, timeRun(b, env, flexusl, flexArgs...))
		r = append(r, timeRun(b, env, bare, bareArgs...))
	}
	b.StopTimer()
	mf, mr := median(f), median(r)
	b.ReportMetric(float64(mf.Microseconds())/1000, "flexusl-ms")
	b.ReportMetric(float64(mr.Microseconds())/1000, "bare-ms")
	b.ReportMetric(float64(mf)/float64(mr), "x-bare")
}

func BenchmarkStartupHelp(b *testing.B) {
	compare(b, []string{"--help"}, []string{"--help"})
}

func BenchmarkStartupSpecsListJSON(b *testing.B) {
	compare(b, []string{"specs", "list", "-o", "json"}, []string{"list", "-o", "json"})
}
