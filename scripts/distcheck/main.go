// Command distcheck lists and checks what `make dist` built: every release
// archive (the binary for its OS and architecture, LICENSE, README.md, the
// four shells' completions, every man page), checksums.txt, the deb and rpm
// packages (binary, completions and man pages in the system places), the
// Homebrew cask and the Scoop manifest. It prints each archive's and
// package's contents and exits 1 naming every problem.
//
//	go run ./scripts/distcheck [-q] DIST_DIR
//
// Packages are read here (ar + tar for deb, the RPM header for rpm) and,
// when dpkg-deb or rpm is installed, also listed with dpkg-deb -c / rpm -qpl,
// which must agree.
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Targets are the OS/architecture pairs every release covers.
var Targets = []struct{ OS, Arch string }{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// Shells are the completion scripts every archive carries.
var Shells = []string{"bash", "zsh", "fish", "ps1"}

func main() {
	quiet := flag.Bool("q", false, "print problems only, not the listings")
	repo := flag.String("repo", ".", "the repository (for docs/man and completions/)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: distcheck [-q] [-repo DIR] DIST_DIR")
		os.Exit(2)
	}
	out := io.Writer(os.Stdout)
	if *quiet {
		out = io.Discard
	}
	problems, err := Check(flag.Arg(0), *repo, out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "distcheck:", err)
		os.Exit(1)
	}
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "distcheck:", p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(os.Stderr, "distcheck: %d problem(s) in %s\n", len(problems), flag.Arg(0))
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "distcheck: %s is complete: %d archives, deb and rpm for amd64 and arm64, checksums, cask, Scoop manifest\n", flag.Arg(0), len(Targets))
}

// Expected is what the repository says a release must hold.
type Expected struct {
	ManPages []string // base names, e.g. flexusl.1
	Examples []string // base names of configs/*.example.yaml, which --help names
}

// ExpectedFrom reads the man pages make docs generated.
func ExpectedFrom(repo string) (Expected, error) {
	pages, err := filepath.Glob(filepath.Join(repo, "docs", "man", "*.1"))
	if err != nil {
		return Expected{}, err
	}
	if len(pages) == 0 {
		return Expected{}, fmt.Errorf("no man pages in %s/docs/man (run make docs)", repo)
	}
	var e Expected
	for _, p := range pages {
		e.ManPages = append(e.ManPages, filepath.Base(p))
	}
	sort.Strings(e.ManPages)
	examples, err := filepath.Glob(filepath.Join(repo, "configs", "*.example.yaml"))
	if err != nil {
		return Expected{}, err
	}
	for _, p := range examples {
		e.Examples = append(e.Examples, filepath.Base(p))
	}
	sort.Strings(e.Examples)
	return e, nil
}

// ArchiveFiles is what an archive for goos must hold.
func (e Expected) ArchiveFiles(goos string) []string {
	bin := "flexusl"
	if goos == "windows" {
		bin += ".exe"
	}
	files := []string{bin, "LICENSE", "README.md"}
	for _, sh := range Shells {
		files = append(files, "completions/flexusl."+sh)
	}
	for _, m := range e.ManPages {
		files = append(files, "man/man1/"+m)
	}
	for _, x := range e.Examples {
		files = append(files, "examples/"+x)
	}
	sort.Strings(files)
	return files
}

// PackageFiles is what a deb or rpm must install (absolute paths).
func (e Expected) PackageFiles(format string) []string {
	zsh := "/usr/share/zsh/vendor-completions/_flexusl"
	if format == "rpm" {
		zsh = "/usr/share/zsh/site-functions/_flexusl"
	}
	files := []string{
		"/usr/bin/flexusl",
		"/usr/share/bash-completion/completions/flexusl",
		zsh,
		"/usr/share/fish/vendor_completions.d/flexusl.fish",
		"/usr/share/doc/flexusl/LICENSE",
		"/usr/share/doc/flexusl/README.md",
	}
	for _, m := range e.ManPages {
		files = append(files, "/usr/share/man/man1/"+m+".gz")
	}
	for _, x := range e.Examples {
		files = append(files, "/usr/share/doc/flexusl/examples/"+x)
	}
	sort.Strings(files)
	return files
}

// Check checks dist against the repository and writes the listings to out.
func Check(dist, repo string, out io.Writer) ([]string, error) {
	exp, err := ExpectedFrom(repo)
	if err != nil {
		return nil, err
	}
	var problems []string
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }

	sums, err := readChecksums(filepath.Join(dist, "checksums.txt"))
	if err != nil {
		bad("%v", err)
	}
	checked := map[string]bool{}
	verify := func(path string) {
		name := filepath.Base(path)
		checked[name] = true
		want, ok := sums[name]
		if !ok {
			bad("checksums.txt does not list %s", name)
			return
		}
		if got, err := sha256File(path); err != nil {
			bad("%v", err)
		} else if got != want {
			bad("%s: sha256 %s, checksums.txt says %s", name, got, want)
		}
	}

	for _, t := range Targets {
		ext := ".tar.gz"
		if t.OS == "windows" {
			ext = ".zip"
		}
		matches, _ := filepath.Glob(filepath.Join(dist, "flexusl_*_"+t.OS+"_"+t.Arch+ext))
		if len(matches) != 1 {
			bad("want one %s/%s archive (flexusl_VERSION_%s_%s%s), found %d", t.OS, t.Arch, t.OS, t.Arch, ext, len(matches))
			continue
		}
		path := matches[0]
		verify(path)
		entries, err := listArchive(path)
		if err != nil {
			bad("%s: %v", filepath.Base(path), err)
			continue
		}
		fmt.Fprintf(out, "== %s\n", filepath.Base(path))
		var names []string
		for _, e := range entries {
			fmt.Fprintf(out, "  %s  %8d  %s\n", e.Mode, e.Size, e.Name)
			names = append(names, e.Name)
		}
		diffSets(bad, filepath.Base(path), exp.ArchiveFiles(t.OS), names)
		for _, e := range entries {
			if e.Name != "flexusl" && e.Name != "flexusl.exe" {
				continue
			}
			if t.OS != "windows" && e.Mode.Perm()&0o111 == 0 {
				bad("%s: %s is not executable (%s)", filepath.Base(path), e.Name, e.Mode)
			}
			if goos, goarch, err := binaryTarget(e.Data); err != nil {
				bad("%s: %s: %v", filepath.Base(path), e.Name, err)
			} else if goos != t.OS || goarch != t.Arch {
				bad("%s: %s is built for %s/%s", filepath.Base(path), e.Name, goos, goarch)
			}
		}
	}

	for _, format := range []string{"deb", "rpm"} {
		for _, arch := range []string{"amd64", "arm64"} {
			pattern := map[string]string{"deb": "flexusl_*_" + arch + ".deb", "rpm": "flexusl-*." + map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[arch] + ".rpm"}[format]
			matches, _ := filepath.Glob(filepath.Join(dist, pattern))
			if len(matches) != 1 {
				bad("want one %s package for %s (%s), found %d", format, arch, pattern, len(matches))
				continue
			}
			path := matches[0]
			verify(path)
			files, how, err := listPackage(format, path)
			if err != nil {
				bad("%s: %v", filepath.Base(path), err)
				continue
			}
			fmt.Fprintf(out, "== %s (%s)\n", filepath.Base(path), how)
			for _, f := range files {
				fmt.Fprintf(out, "  %s\n", f)
			}
			diffSets(bad, filepath.Base(path), exp.PackageFiles(format), files)
		}
	}

	for name := range sums {
		if !checked[name] {
			if _, err := os.Stat(filepath.Join(dist, name)); err != nil {
				bad("checksums.txt lists %s, which is not in %s", name, dist)
			}
		}
	}

	problems = append(problems, checkCask(filepath.Join(dist, "homebrew", "Casks", "flexusl.rb"), exp, sums, out)...)
	problems = append(problems, checkScoop(filepath.Join(dist, "scoop", "flexusl.json"), sums, out)...)
	return problems, nil
}

// diffSets reports files missing from got and files got has beyond want.
func diffSets(bad func(string, ...any), what string, want, got []string) {
	for _, w := range want {
		if !slices.Contains(got, w) {
			bad("%s lacks %s", what, w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			bad("%s holds an unexpected %s", what, g)
		}
	}
}

func readChecksums(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 2 || len(fields[0]) != 64 {
			return nil, fmt.Errorf("checksums.txt: bad line %q", sc.Text())
		}
		sums[fields[1]] = fields[0]
	}
	return sums, sc.Err()
}

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// listPackage lists the files a package installs: with dpkg-deb or rpm when
// installed, else by reading the package.
func listPackage(format, path string) (files []string, how string, err error) {
	switch format {
	case "deb":
		f, err := os.Open(path)
		if err != nil {
			return nil, "", err
		}
		defer f.Close()
		files, err := DebFiles(f)
		if _, lerr := exec.LookPath("dpkg-deb"); lerr != nil {
			return files, "read as ar + tar", err
		}
		out, derr := exec.Command("dpkg-deb", "-c", path).Output()
		if derr != nil {
			return nil, "", fmt.Errorf("dpkg-deb -c: %w", derr)
		}
		listed := dpkgFiles(string(out))
		if err != nil || !slices.Equal(files, listed) {
			return nil, "", fmt.Errorf("dpkg-deb -c lists %v; read here: %v (%v)", listed, files, err)
		}
		return listed, "dpkg-deb -c, and read as ar + tar: the same", nil
	case "rpm":
		f, err := os.Open(path)
		if err != nil {
			return nil, "", err
		}
		defer f.Close()
		files, err := RPMFiles(f)
		if _, lerr := exec.LookPath("rpm"); lerr != nil {
			return files, "read from the RPM header", err
		}
		// rpm -qpl lists directories too; keep the files read here, which
		// must all be listed.
		out, rerr := exec.Command("rpm", "-qpl", path).Output()
		if rerr != nil {
			return nil, "", fmt.Errorf("rpm -qpl: %w", rerr)
		}
		listed := strings.Fields(string(out))
		for _, f := range files {
			if !slices.Contains(listed, f) {
				return nil, "", fmt.Errorf("read %s from the RPM header; rpm -qpl does not list it", f)
			}
		}
		return files, "rpm -qpl, and read from the RPM header", err
	}
	return nil, "", fmt.Errorf("unknown package format %s", format)
}

// dpkgFiles takes the regular files from dpkg-deb -c's listing
// ("-rw-r--r-- root/root 1234 2026-01-01 00:00 ./usr/bin/flexusl").
func dpkgFiles(listing string) []string {
	var files []string
	for _, l := range strings.Split(listing, "\n") {
		fields := strings.Fields(l)
		if len(fields) < 6 || !strings.HasPrefix(fields[0], "-") {
			continue
		}
		files = append(files, strings.TrimPrefix(fields[5], "."))
	}
	sort.Strings(files)
	return files
}

func checkCask(path string, exp Expected, sums map[string]string, out io.Writer) []string {
	var problems []string
	data, err := os.ReadFile(path)
	if err != nil {
		return []string{fmt.Sprintf("no Homebrew cask: %v", err)}
	}
	cask := string(data)
	fmt.Fprintf(out, "== %s\n%s", path, cask)
	want := []string{`binary "flexusl"`, `bash_completion "completions/flexusl.bash"`, `zsh_completion "completions/flexusl.zsh"`, `fish_completion "completions/flexusl.fish"`}
	for _, m := range exp.ManPages {
		want = append(want, `manpage "man/man1/`+m+`"`)
	}
	// The cask installs the macOS and Linux archives: each one's URL (the
	// version written as #{version}) and its checksum.
	for name, sum := range sums {
		if (strings.Contains(name, "_darwin_") || strings.Contains(name, "_linux_")) && strings.HasSuffix(name, ".tar.gz") {
			_, osArch, _ := strings.Cut(strings.TrimPrefix(name, "flexusl_"), "_")
			want = append(want, "flexusl_#{version}_"+osArch+`"`, `sha256 "`+sum+`"`)
		}
	}
	for _, w := range want {
		if !strings.Contains(cask, w) {
			problems = append(problems, fmt.Sprintf("the cask lacks %s", w))
		}
	}
	return problems
}

func checkScoop(path string, sums map[string]string, out io.Writer) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return []string{fmt.Sprintf("no Scoop manifest: %v", err)}
	}
	fmt.Fprintf(out, "== %s\n%s\n", path, data)
	var m struct {
		Version      string `json:"version"`
		License      string `json:"license"`
		Architecture map[string]struct {
			URL  string `json:"url"`
			Bin  any    `json:"bin"`
			Hash string `json:"hash"`
		} `json:"architecture"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return []string{fmt.Sprintf("the Scoop manifest is not JSON: %v", err)}
	}
	var problems []string
	for arch, suffix := range map[string]string{"64bit": "_windows_amd64.zip", "arm64": "_windows_arm64.zip"} {
		a, ok := m.Architecture[arch]
		if !ok {
			problems = append(problems, fmt.Sprintf("the Scoop manifest has no %s architecture", arch))
			continue
		}
		name := a.URL[strings.LastIndexByte(a.URL, '/')+1:]
		if !strings.HasSuffix(name, suffix) {
			problems = append(problems, fmt.Sprintf("Scoop %s url %s does not end in %s", arch, a.URL, suffix))
		}
		if sums[name] == "" || a.Hash != sums[name] {
			problems = append(problems, fmt.Sprintf("Scoop %s hash %s is not checksums.txt's for %s", arch, a.Hash, name))
		}
		if !strings.Contains(fmt.Sprint(a.Bin), "flexusl.exe") {
			problems = append(problems, fmt.Sprintf("Scoop %s bin %v does not name flexusl.exe", arch, a.Bin))
		}
	}
	if m.Version == "" || m.License != "Apache-2.0" {
		problems = append(problems, fmt.Sprintf("Scoop manifest: version %q, license %q", m.Version, m.License))
	}
	return problems
}
