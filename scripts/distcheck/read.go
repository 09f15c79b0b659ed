package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

// Entry is one regular file in an archive.
type Entry struct {
	Name string
	Mode fs.FileMode
	Size int64
	Data []byte // kept for the binary only
}

// listArchive lists a .tar.gz or .zip archive's regular files.
func listArchive(p string) ([]Entry, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if strings.HasSuffix(p, ".zip") {
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		return ZipEntries(f, st.Size())
	}
	return TarGzEntries(f)
}

func keep(name string) bool { return name == "flexusl" || name == "flexusl.exe" }

// TarGzEntries lists a gzip-compressed tar's regular files.
func TarGzEntries(r io.Reader) ([]Entry, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	var out []Entry
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		e := Entry{Name: path.Clean(h.Name), Mode: h.FileInfo().Mode(), Size: h.Size}
		if keep(e.Name) {
			if e.Data, err = io.ReadAll(tr); err != nil {
				return nil, err
			}
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// ZipEntries lists a zip's regular files.
func ZipEntries(r io.ReaderAt, size int64) ([]Entry, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		e := Entry{Name: path.Clean(f.Name), Mode: f.Mode(), Size: int64(f.UncompressedSize64)}
		if keep(e.Name) {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			e.Data, err = io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return nil, err
			}
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// binaryTarget reads the OS and architecture an executable was built for
// from its ELF, Mach-O or PE header.
func binaryTarget(data []byte) (goos, goarch string, err error) {
	r := bytes.NewReader(data)
	if f, err := elf.NewFile(r); err == nil {
		switch f.Machine {
		case elf.EM_X86_64:
			return "linux", "amd64", nil
		case elf.EM_AARCH64:
			return "linux", "arm64", nil
		}
		return "linux", f.Machine.String(), nil
	}
	if f, err := macho.NewFile(r); err == nil {
		switch f.Cpu {
		case macho.CpuAmd64:
			return "darwin", "amd64", nil
		case macho.CpuArm64:
			return "darwin", "arm64", nil
		}
		return "darwin", f.Cpu.String(), nil
	}
	if f, err := pe.NewFile(r); err == nil {
		switch f.Machine {
		case pe.IMAGE_FILE_MACHINE_AMD64:
			return "windows", "amd64", nil
		case pe.IMAGE_FILE_MACHINE_ARM64:
			return "windows", "arm64", nil
		}
		return "windows", fmt.Sprintf("machine %#x", f.Machine), nil
	}
	return "", "", fmt.Errorf("not an ELF, Mach-O or PE executable")
}

// DebFiles lists the regular files a .deb installs: its ar member
// data.tar.gz (or data.tar, uncompressed), paths made absolute.
func DebFiles(r io.Reader) ([]string, error) {
	magic := make([]byte, 8)
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != "!<arch>\n" {
		return nil, fmt.Errorf("not a deb (ar) archive")
	}
	hdr := make([]byte, 60)
	for {
		if _, err := io.ReadFull(r, hdr); err != nil {
			return nil, fmt.Errorf("deb has no data.tar.gz member")
		}
		name := strings.TrimSuffix(strings.TrimSpace(string(hdr[:16])), "/")
		var size int64
		if _, err := fmt.Sscan(strings.TrimSpace(string(hdr[48:58])), &size); err != nil {
			return nil, fmt.Errorf("deb member %q: bad size", name)
		}
		body := io.LimitReader(r, size)
		switch name {
		case "data.tar.gz", "data.tar":
			var tr io.Reader = body
			if name == "data.tar.gz" {
				zr, err := gzip.NewReader(body)
				if err != nil {
					return nil, err
				}
				tr = zr
			}
			return tarFiles(tr)
		case "data.tar.xz", "data.tar.zst":
			return nil, fmt.Errorf("deb data is %s: install dpkg-deb to list it", name)
		}
		if _, err := io.CopyN(io.Discard, r, size+size%2); err != nil {
			return nil, err
		}
	}
}

func tarFiles(r io.Reader) ([]string, error) {
	var files []string
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeReg {
			files = append(files, "/"+strings.TrimPrefix(path.Clean(h.Name), "/"))
		}
	}
	sort.Strings(files)
	return files, nil
}

// RPM header tags and types (rpm's rpmtag.h).
const (
	rpmTagFileModes   = 1030
	rpmTagDirIndexes  = 1116
	rpmTagBasenames   = 1117
	rpmTagDirnames    = 1118
	rpmTypeInt16      = 3
	rpmTypeInt32      = 4
	rpmTypeStringList = 8
)

// RPMFiles lists the regular files an .rpm installs, from its header
// (the lead, the signature header, then the header with the file list).
func RPMFiles(r io.Reader) ([]string, error) {
	lead := make([]byte, 96)
	if _, err := io.ReadFull(r, lead); err != nil || !bytes.Equal(lead[:4], []byte{0xed, 0xab, 0xee, 0xdb}) {
		return nil, fmt.Errorf("not an rpm")
	}
	sig, sigLen, err := readRPMHeader(r)
	if err != nil {
		return nil, fmt.Errorf("rpm signature header: %w", err)
	}
	_ = sig
	if pad := (8 - sigLen%8) % 8; pad > 0 {
		if _, err := io.CopyN(io.Discard, r, int64(pad)); err != nil {
			return nil, err
		}
	}
	h, _, err := readRPMHeader(r)
	if err != nil {
		return nil, fmt.Errorf("rpm header: %w", err)
	}
	base, okB := h.strings(rpmTagBasenames)
	dirs, okD := h.strings(rpmTagDirnames)
	idx, okI := h.int32s(rpmTagDirIndexes)
	modes, okM := h.int16s(rpmTagFileModes)
	if !okB || !okD || !okI || len(idx) != len(base) {
		return nil, fmt.Errorf("rpm header has no file list")
	}
	var files []string
	for i, b := range base {
		if int(idx[i]) >= len(dirs) {
			return nil, fmt.Errorf("rpm header: bad directory index")
		}
		if okM && i < len(modes) && fs.FileMode(uint16(modes[i]))&0o170000 != 0o100000 {
			continue // not a regular file (S_IFREG)
		}
		files = append(files, dirs[idx[i]]+b)
	}
	sort.Strings(files)
	return files, nil
}

type rpmEntry struct {
	typ, offset, count uint32
}

type rpmHeader struct {
	entries map[uint32]rpmEntry
	store   []byte
}

// readRPMHeader reads one header structure and returns it with its length.
func readRPMHeader(r io.Reader) (*rpmHeader, int, error) {
	pre := make([]byte, 16)
	if _, err := io.ReadFull(r, pre); err != nil {
		return nil, 0, err
	}
	if !bytes.Equal(pre[:3], []byte{0x8e, 0xad, 0xe8}) {
		return nil, 0, fmt.Errorf("bad header magic")
	}
	n := binary.BigEndian.Uint32(pre[8:12])
	size := binary.BigEndian.Uint32(pre[12:16])
	if n > 1<<16 || size > 256<<20 {
		return nil, 0, fmt.Errorf("header too large")
	}
	index := make([]byte, 16*n)
	if _, err := io.ReadFull(r, index); err != nil {
		return nil, 0, err
	}
	h := &rpmHeader{entries: map[uint32]rpmEntry{}, store: make([]byte, size)}
	if _, err := io.ReadFull(r, h.store); err != nil {
		return nil, 0, err
	}
	for i := uint32(0); i < n; i++ {
		e := index[16*i:]
		h.entries[binary.BigEndian.Uint32(e)] = rpmEntry{binary.BigEndian.Uint32(e[4:]), binary.BigEndian.Uint32(e[8:]), binary.BigEndian.Uint32(e[12:])}
	}
	return h, 16 + len(index) + len(h.store), nil
}

func (h *rpmHeader) strings(tag uint32) ([]string, bool) {
	e, ok := h.entries[tag]
	if !ok || e.typ != rpmTypeStringList || int(e.offset) > len(h.store) {
		return nil, false
	}
	parts := strings.SplitN(string(h.store[e.offset:]), "\x00", int(e.count)+1)
	if len(parts) < int(e.count) {
		return nil, false
	}
	return parts[:e.count], true
}

func (h *rpmHeader) int32s(tag uint32) ([]int32, bool) {
	e, ok := h.entries[tag]
	if !ok || e.typ != rpmTypeInt32 || int(e.offset)+4*int(e.count) > len(h.store) {
		return nil, false
	}
	out := make([]int32, e.count)
	for i := range out {
		out[i] = int32(binary.BigEndian.Uint32(h.store[int(e.offset)+4*i:]))
	}
	return out, true
}

func (h *rpmHeader) int16s(tag uint32) ([]int16, bool) {
	e, ok := h.entries[tag]
	if !ok || e.typ != rpmTypeInt16 || int(e.offset)+2*int(e.count) > len(h.store) {
		return nil, false
	}
	out := make([]int16, e.count)
	for i := range out {
		out[i] = int16(binary.BigEndian.Uint16(h.store[int(e.offset)+2*i:]))
	}
	return out, true
}
