// Package catalog holds the FlexusL purchase page's appendix (regions, images,
// image versions, plan specs and their figures) as an embedded data file,
// catalog.txt, and answers questions about it: what exists, what an image
// version supports in a region, and whether a chosen combination is valid
// (and if not, why, and what would be).
//
// catalog.txt has one row per line, fields separated by '|' (its header
// documents the rows). It is parsed by splitting strings, not by reflection,
// because a parse can be on the start-up path. The embedded file is parsed
// at build time: go generate writes it as Go data (catalog_gen.go), which
// Default hands out. A user's file of the same format can replace it (Load).
package catalog

import (
	_ "embed"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
)

//go:generate go run ./internal/gencatalog

//go:embed catalog.txt
var embedded []byte

// Embedded returns the raw bytes of the catalog shipped in the binary.
func Embedded() []byte { return embedded }

// Image types.
const (
	TypeApplication = "application"
	TypeOS          = "os"
)

// Spec OS families.
const (
	OSLinux   = "linux"
	OSWindows = "windows"
)

// Catalog is the parsed appendix. Build it with Default, Parse or Load.
type Catalog struct {
	Source  string        `json:"source,omitempty"`
	Regions []Region      `json:"regions"`
	Specs   []Spec        `json:"specs"`
	Images  []Image       `json:"images"`
	Private PrivateImages `json:"private_images"`

	specIndex  map[string]int
	imageIndex map[string]int // lower-cased name -> index
}

// Region is one region the page lists.
type Region struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Spec is one plan spec code with its figures (Tables 12 and 13).
type Spec struct {
	Code               string  `json:"code"`
	OS                 string  `json:"os"`
	VCPUs              int     `json:"vcpus"`
	MemoryGiB          float64 `json:"memory_gib"`
	SystemDiskGiB      int     `json:"system_disk_gib"`
	PeakBandwidthMbitS int     `json:"peak_bandwidth_mbit_s"`
	DataPackageGB      int     `json:"data_package_gb"`
}

// Summary is the spec's figures in one short phrase.
func (s Spec) Summary() string {
	return fmt.Sprintf("%d vCPU, %s GiB, %d GiB, %d Mbit/s", s.VCPUs, FormatGiB(s.MemoryGiB), s.SystemDiskGiB, s.PeakBandwidthMbitS)
}

// FormatGiB prints a memory size without a needless fraction (0.5, 1, 16).
func FormatGiB(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}

// Image is an application or OS image (Tables 9 and 10).
type Image struct {
	Name     string    `json:"name"`
	Type     string    `json:"type"`
	Versions []Version `json:"versions"`
}

// Version is one version of an image and the specs it supports.
type Version struct {
	Version         string    `json:"version"`
	Specs           []SpecRef `json:"specs"`
	ExcludedRegions []string  `json:"excluded_regions,omitempty"`
}

// SpecRef is a spec code an image version supports, limited to Regions when
// that is not empty. In the data file it is CODE or CODE@R1,R2.
type SpecRef struct {
	Code    string   `json:"code"`
	Regions []string `json:"regions,omitempty"`
}

// OfferedIn reports whether this spec is offered in region ("" means any).
func (r SpecRef) OfferedIn(region string) bool {
	return region == "" || len(r.Regions) == 0 || slices.Contains(r.Regions, region)
}

// OfferedIn reports whether the version is offered in region ("" means any).
func (v Version) OfferedIn(region string) bool {
	return region == "" || !slices.Contains(v.ExcludedRegions, region)
}

// SpecsIn lists, in the page's order, the codes the version supports in
// region ("" means in any region).
func (v Version) SpecsIn(region string) []string {
	if !v.OfferedIn(region) {
		return nil
	}
	out := make([]string, 0, len(v.Specs))
	for _, s := range v.Specs {
		if s.OfferedIn(region) {
			out = append(out, s.Code)
		}
	}
	return out
}

// VersionNames lists the image's versions in the page's order, only those
// offered in region when region is not "".
func (im *Image) VersionNames(region string) []string {
	out := make([]string, 0, len(im.Versions))
	for _, v := range im.Versions {
		if v.OfferedIn(region) {
			out = append(out, v.Version)
		}
	}
	return out
}

// Version finds a version of the image by its exact name.
func (im *Image) Version(name string) (*Version, bool) {
	for i := range im.Versions {
		if im.Versions[i].Version == name {
			return &im.Versions[i], true
		}
	}
	return nil, false
}

// PrivateImages lists the spec codes private images may use (Table 11).
type PrivateImages struct {
	Linux   []string `json:"linux"`
	Windows []string `json:"windows"`
}

var (
	defaultOnce sync.Once
	defaultCat  *Catalog
	defaultErr  error
)

// Default returns the embedded catalog, indexed on first use and then shared.
func Default() (*Catalog, error) {
	defaultOnce.Do(func() {
		// catalog.txt parsed at build time (catalog_gen.go): a run only
		// builds the lookup maps. Parsing it here cost 39 KB of
		// allocations and ten page faults on every start.
		if err := embeddedCatalog.index(); err != nil {
			defaultErr = fmt.Errorf("check catalog: %w", err)
			return
		}
		defaultCat = &embeddedCatalog
	})
	return defaultCat, defaultErr
}

// Load reads a catalog file of the embedded format (the `catalog_file` option).
func Load(path string) (*Catalog, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("catalog file: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("catalog file %s: %w", path, err)
	}
	return c, nil
}

// Parse reads a catalog in the catalog.txt format and checks it: unknown
// rows, undeclared codes or regions, duplicates and empty tables are errors
// that name the line.
func Parse(data []byte) (*Catalog, error) {
	c, err := parseRows(string(data))
	if err != nil {
		return nil, fmt.Errorf("parse catalog: %w", err)
	}
	if err := c.index(); err != nil {
		return nil, fmt.Errorf("check catalog: %w", err)
	}
	return c, nil
}

func (c *Catalog) index() error {
	if len(c.Regions) == 0 || len(c.Specs) == 0 || len(c.Images) == 0 {
		return fmt.Errorf("regions, specs and images must not be empty")
	}
	regions := map[string]bool{}
	for _, r := range c.Regions {
		if r.ID == "" || regions[r.ID] {
			return fmt.Errorf("region %q is empty or declared twice", r.ID)
		}
		regions[r.ID] = true
	}
	c.specIndex = make(map[string]int, len(c.Specs))
	for i, s := range c.Specs {
		if s.Code == "" {
			return fmt.Errorf("spec %d has no code", i)
		}
		if _, dup := c.specIndex[s.Code]; dup {
			return fmt.Errorf("spec %q declared twice", s.Code)
		}
		if s.OS != OSLinux && s.OS != OSWindows {
			return fmt.Errorf("spec %q: os %q is not linux or windows", s.Code, s.OS)
		}
		c.specIndex[s.Code] = i
	}
	checkRegions := func(where func() string, rs []string) error {
		for _, r := range rs {
			if !regions[r] {
				return fmt.Errorf("%s names undeclared region %q", where(), r)
			}
		}
		return nil
	}
	c.imageIndex = make(map[string]int, len(c.Images))
	for i, im := range c.Images {
		key := strings.ToLower(im.Name)
		if im.Name == "" {
			return fmt.Errorf("image %d has no name", i)
		}
		if _, dup := c.imageIndex[key]; dup {
			return fmt.Errorf("image %q declared twice", im.Name)
		}
		if im.Type != TypeApplication && im.Type != TypeOS {
			return fmt.Errorf("image %q: type %q is not application or os", im.Name, im.Type)
		}
		if len(im.Versions) == 0 {
			return fmt.Errorf("image %q has no versions", im.Name)
		}
		c.imageIndex[key] = i
		for vi, v := range im.Versions {
			// where is built only on error: this runs on every start-up.
			where := func() string { return fmt.Sprintf("image %q version %q", im.Name, v.Version) }
			if v.Version == "" {
				return fmt.Errorf("%s is empty", where())
			}
			for _, w := range im.Versions[:vi] {
				if w.Version == v.Version {
					return fmt.Errorf("%s is declared twice", where())
				}
			}
			if len(v.Specs) == 0 {
				return fmt.Errorf("%s has no specs", where())
			}
			if err := checkRegions(where, v.ExcludedRegions); err != nil {
				return err
			}
			for si, s := range v.Specs {
				for _, t := range v.Specs[:si] {
					if t.Code == s.Code {
						return fmt.Errorf("%s names spec %q twice", where(), s.Code)
					}
				}
				if _, ok := c.specIndex[s.Code]; !ok {
					return fmt.Errorf("%s names undeclared spec %q", where(), s.Code)
				}
				if err := checkRegions(where, s.Regions); err != nil {
					return err
				}
			}
		}
	}
	for os, codes := range map[string][]string{OSLinux: c.Private.Linux, OSWindows: c.Private.Windows} {
		if len(codes) == 0 {
			return fmt.Errorf("private_images.%s is empty", os)
		}
		for _, code := range codes {
			i, ok := c.specIndex[code]
			if !ok {
				return fmt.Errorf("private_images.%s names undeclared spec %q", os, code)
			}
			if c.Specs[i].OS != os {
				return fmt.Errorf("private_images.%s names %s spec %q", os, c.Specs[i].OS, code)
			}
		}
	}
	return nil
}

// Region finds a region by ID.
func (c *Catalog) Region(id string) (Region, bool) {
	for _, r := range c.Regions {
		if r.ID == id {
			return r, true
		}
	}
	return Region{}, false
}

// RegionIDs lists the region IDs in the page's order.
func (c *Catalog) RegionIDs() []string {
	out := make([]string, len(c.Regions))
	for i, r := range c.Regions {
		out[i] = r.ID
	}
	return out
}

// Spec finds a spec by its code.
func (c *Catalog) Spec(code string) (Spec, bool) {
	i, ok := c.specIndex[code]
	if !ok {
		return Spec{}, false
	}
	return c.Specs[i], true
}

// SpecCodes lists every spec code in the page's order.
func (c *Catalog) SpecCodes() []string {
	out := make([]string, len(c.Specs))
	for i, s := range c.Specs {
		out[i] = s.Code
	}
	return out
}

// Image finds an image by name, ignoring case; the result has the page's spelling.
func (c *Catalog) Image(name string) (*Image, bool) {
	i, ok := c.imageIndex[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return nil, false
	}
	return &c.Images[i], true
}

// ImageNames lists image names in the page's order.
func (c *Catalog) ImageNames() []string {
	out := make([]string, len(c.Images))
	for i, im := range c.Images {
		out[i] = im.Name
	}
	return out
}

// PrivateSpecs lists the codes a private image of the given OS may use; os ""
// gives Linux and Windows together.
func (c *Catalog) PrivateSpecs(os string) []string {
	switch os {
	case OSLinux:
		return slices.Clone(c.Private.Linux)
	case OSWindows:
		return slices.Clone(c.Private.Windows)
	default:
		return append(slices.Clone(c.Private.Linux), c.Private.Windows...)
	}
}
