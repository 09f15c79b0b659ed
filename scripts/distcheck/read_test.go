package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func tarGz(t *testing.T, files map[string]int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "./usr/", Typeflag: tar.TypeDir, Mode: 0o755})
	for name, mode := range files {
		body := "x"
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: mode, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	tw.WriteHeader(&tar.Header{Name: "./usr/bin/fx", Typeflag: tar.TypeSymlink, Linkname: "flexusl"})
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

func arMember(name string, data []byte) []byte {
	h := fmt.Sprintf("%-16s%-12s%-6s%-6s%-8s%-10d`\n", name, "0", "0", "0", "100644", len(data))
	out := append([]byte(h), data...)
	if len(data)%2 == 1 {
		out = append(out, '\n')
	}
	return out
}

func TestDebFiles(t *testing.T) {
	deb := []byte("!<arch>\n")
	deb = append(deb, arMember("debian-binary", []byte("2.0\n"))...)
	deb = append(deb, arMember("control.tar.gz", tarGz(t, map[string]int64{"./control": 0o644}))...)
	deb = append(deb, arMember("data.tar.gz", tarGz(t, map[string]int64{"./usr/bin/flexusl": 0o755, "./usr/share/man/man1/flexusl.1.gz": 0o644}))...)
	got, err := DebFiles(bytes.NewReader(deb))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"/usr/bin/flexusl", "/usr/share/man/man1/flexusl.1.gz"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, err := DebFiles(strings.NewReader("PK\x03\x04")); err == nil {
		t.Error("a zip read as a deb")
	}
}

// rpmHeaderBytes builds one header structure with the given entries.
func rpmHeaderBytes(entries []struct {
	tag, typ uint32
	count    uint32
	data     []byte
}) []byte {
	var index, store bytes.Buffer
	for _, e := range entries {
		for store.Len()%4 != 0 && e.typ == rpmTypeInt32 {
			store.WriteByte(0)
		}
		binary.Write(&index, binary.BigEndian, [4]uint32{e.tag, e.typ, uint32(store.Len()), e.count})
		store.Write(e.data)
	}
	var h bytes.Buffer
	h.Write([]byte{0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0})
	binary.Write(&h, binary.BigEndian, uint32(len(entries)))
	binary.Write(&h, binary.BigEndian, uint32(store.Len()))
	h.Write(index.Bytes())
	h.Write(store.Bytes())
	return h.Bytes()
}

func TestRPMFiles(t *testing.T) {
	type entry = struct {
		tag, typ uint32
		count    uint32
		data     []byte
	}
	int32s := func(v ...int32) []byte {
		var b bytes.Buffer
		binary.Write(&b, binary.BigEndian, v)
		return b.Bytes()
	}
	int16s := func(v ...uint16) []byte {
		var b bytes.Buffer
		binary.Write(&b, binary.BigEndian, v)
		return b.Bytes()
	}
	lead := make([]byte, 96)
	copy(lead, []byte{0xed, 0xab, 0xee, 0xdb})
	sig := rpmHeaderBytes([]entry{{62, 7, 16, make([]byte, 16)}}) // 16+16+16 = 48 bytes: no padding
	sig2 := rpmHeaderBytes([]entry{{62, 7, 3, []byte{1, 2, 3}}})  // 35 bytes: 5 bytes of padding
	hdr := rpmHeaderBytes([]entry{
		{rpmTagFileModes, rpmTypeInt16, 3, int16s(0o100755, 0o040755, 0o100644)},
		{rpmTagBasenames, rpmTypeStringList, 3, []byte("flexusl\x00man1\x00flexusl.1.gz\x00")},
		{rpmTagDirnames, rpmTypeStringList, 2, []byte("/usr/bin/\x00/usr/share/man/man1/\x00")},
		{rpmTagDirIndexes, rpmTypeInt32, 3, int32s(0, 1, 1)},
	})
	want := []string{"/usr/bin/flexusl", "/usr/share/man/man1/flexusl.1.gz"}
	for _, s := range [][]byte{sig, append(sig2, 0, 0, 0, 0, 0)} {
		rpm := append(append(append([]byte{}, lead...), s...), hdr...)
		got, err := RPMFiles(bytes.NewReader(rpm))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	}
	if _, err := RPMFiles(bytes.NewReader(make([]byte, 200))); err == nil {
		t.Error("zeros read as an rpm")
	}
}

func TestArchiveEntries(t *testing.T) {
	got, err := TarGzEntries(bytes.NewReader(tarGz(t, map[string]int64{"flexusl": 0o755, "man/man1/flexusl.1": 0o644})))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "flexusl" || got[0].Mode.Perm() != 0o755 || string(got[0].Data) != "x" || got[1].Data != nil {
		t.Errorf("%+v", got)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("flexusl.exe")
	w.Write([]byte("MZ"))
	zw.Create("completions/")
	w, _ = zw.Create("LICENSE")
	w.Write([]byte("Apache"))
	zw.Close()
	got, err = ZipEntries(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "LICENSE" || got[1].Name != "flexusl.exe" || string(got[1].Data) != "MZ" {
		t.Errorf("%+v", got)
	}
	if _, _, err := binaryTarget([]byte("MZ")); err == nil {
		t.Error("two bytes read as an executable")
	}
}

func TestExpected(t *testing.T) {
	e := Expected{ManPages: []string{"flexusl.1", "flexusl-version.1"}}
	if got := e.ArchiveFiles("windows"); !reflect.DeepEqual(got, []string{"LICENSE", "README.md", "completions/flexusl.bash", "completions/flexusl.fish",
		"completions/flexusl.ps1", "completions/flexusl.zsh", "flexusl.exe", "man/man1/flexusl-version.1", "man/man1/flexusl.1"}) {
		t.Errorf("%v", got)
	}
	if got := e.PackageFiles("rpm"); !strings.Contains(strings.Join(got, " "), "/usr/share/zsh/site-functions/_flexusl") {
		t.Errorf("%v", got)
	}
	if got := e.PackageFiles("deb"); !strings.Contains(strings.Join(got, " "), "/usr/share/zsh/vendor-completions/_flexusl") {
		t.Errorf("%v", got)
	}
}

// The example file instance buy --help names ships in archives and packages.
func TestExpectedShipsExamples(t *testing.T) {
	e, err := ExpectedFrom("../..")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(e.ArchiveFiles("linux"), "examples/purchase.example.yaml") {
		t.Errorf("archive: %v", e.ArchiveFiles("linux"))
	}
	if !slices.Contains(e.PackageFiles("deb"), "/usr/share/doc/flexusl/examples/purchase.example.yaml") {
		t.Errorf("deb: %v", e.PackageFiles("deb"))
	}
	goreleaser, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"src: configs/*.example.yaml\n        dst: examples\n", "src: configs/*.example.yaml\n        dst: /usr/share/doc/flexusl/examples/\n"} {
		if !strings.Contains(string(goreleaser), want) {
			t.Errorf(".goreleaser.yaml lacks %q", want)
		}
	}
}

// Each man page is headed with its own command, not FLEXUSL on every page.
func TestManPageHeaders(t *testing.T) {
	page, err := os.ReadFile("../../docs/man/flexusl-instance-buy.1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `.TH "FLEXUSL-INSTANCE-BUY" "1"`) {
		t.Errorf("header: %q", strings.SplitN(string(page), "\n", 3)[1])
	}
}
