package catalog

import (
	"fmt"
	"strconv"
	"strings"
)

// parseRows turns catalog.txt rows into a Catalog (not yet checked for
// references; index does that).
func parseRows(text string) (*Catalog, error) {
	c := &Catalog{}
	images := map[string]int{} // name -> index in c.Images
	lineNo := 0
	for len(text) > 0 {
		var line string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, ""
		}
		lineNo++
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || line[0] == '#' {
			continue
		}
		var buf [8]string
		f := splitFields(line, buf[:0])
		bad := func(format string, args ...any) error {
			return fmt.Errorf("line %d: %s", lineNo, fmt.Sprintf(format, args...))
		}
		want := func(n ...int) error {
			for _, k := range n {
				if len(f) == k {
					return nil
				}
			}
			return bad("%s row has %d fields, want %v", f[0], len(f), n)
		}
		switch f[0] {
		case "source":
			if err := want(2); err != nil {
				return nil, err
			}
			c.Source = f[1]
		case "region":
			if err := want(3); err != nil {
				return nil, err
			}
			if f[1] == "" || f[2] == "" {
				return nil, bad("region row needs an ID and a name")
			}
			c.Regions = append(c.Regions, Region{ID: f[1], Name: f[2]})
		case "spec":
			if err := want(8); err != nil {
				return nil, err
			}
			sp, why := parseSpec(f)
			if why != "" {
				return nil, bad("%s", why)
			}
			c.Specs = append(c.Specs, sp)
		case "image":
			if err := want(5, 6); err != nil {
				return nil, err
			}
			typ, name := f[1], f[2]
			v, why := parseVersion(f)
			if why != "" {
				return nil, bad("%s", why)
			}
			i, ok := images[name]
			if !ok {
				i = len(c.Images)
				images[name] = i
				c.Images = append(c.Images, Image{Name: name, Type: typ})
			}
			if c.Images[i].Type != typ {
				return nil, bad("image %s is %s here but %s above", name, typ, c.Images[i].Type)
			}
			c.Images[i].Versions = append(c.Images[i].Versions, v)
		case "private":
			if err := want(3); err != nil {
				return nil, err
			}
			codes := strings.Fields(f[2])
			switch f[1] {
			case OSLinux:
				c.Private.Linux = append(c.Private.Linux, codes...)
			case OSWindows:
				c.Private.Windows = append(c.Private.Windows, codes...)
			default:
				return nil, bad("private row OS %q is not linux or windows", f[1])
			}
		default:
			return nil, bad("unknown row %q (want source, region, spec, image or private)", f[0])
		}
	}
	return c, nil
}

// parseSpec reads a spec row (spec|code|os|vcpus|memory|disk|bandwidth|
// traffic); why says what is wrong with it ("" when nothing is).
func parseSpec(f []string) (s Spec, why string) {
	s = Spec{Code: f[1], OS: f[2]}
	var err error
	ints := []*int{&s.VCPUs, &s.SystemDiskGiB, &s.PeakBandwidthMbitS, &s.DataPackageGB}
	for i, idx := range []int{3, 5, 6, 7} {
		if *ints[i], err = strconv.Atoi(f[idx]); err != nil || *ints[i] <= 0 {
			return s, fmt.Sprintf("spec %s: field %d %q is not a positive whole number", s.Code, idx, f[idx])
		}
	}
	if s.MemoryGiB, err = strconv.ParseFloat(f[4], 64); err != nil || !(s.MemoryGiB > 0 && s.MemoryGiB < 1e6) {
		return s, fmt.Sprintf("spec %s: memory %q is not a positive number", s.Code, f[4])
	}
	return s, ""
}

// parseVersion reads an image row's version (image|type|name|version|
// specs[|excluded regions]): its specs, each limited to some regions with
// code@r1,r2; why says what is wrong with it ("" when nothing is).
func parseVersion(f []string) (v Version, why string) {
	if f[2] == "" || f[3] == "" {
		return v, "image row needs a name and a version"
	}
	v = Version{Version: f[3], Specs: make([]SpecRef, 0, 8)}
	for _, tok := range strings.Fields(f[4]) {
		code, regions, hasAt := strings.Cut(tok, "@")
		ref := SpecRef{Code: code}
		if hasAt {
			ref.Regions = strings.Split(regions, ",")
			for _, r := range ref.Regions {
				if r == "" {
					return v, fmt.Sprintf("spec %q has an empty region", tok)
				}
			}
		}
		v.Specs = append(v.Specs, ref)
	}
	if len(f) == 6 {
		v.ExcludedRegions = strings.Fields(f[5])
	}
	return v, ""
}

// splitFields splits a row at '|' into dst, trimming blanks, without
// allocating for rows of up to eight fields.
func splitFields(line string, dst []string) []string {
	for {
		i := strings.IndexByte(line, '|')
		if i < 0 {
			return append(dst, strings.TrimSpace(line))
		}
		dst = append(dst, strings.TrimSpace(line[:i]))
		line = line[i+1:]
	}
}
