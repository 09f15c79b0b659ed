package cache

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
)

// Group is a security group as completion offers it.
type Group struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Region string `json:"region"`
}

// Rule is a security group rule as completion offers it.
type Rule struct {
	ID        string `json:"id"`
	GroupID   string `json:"group_id"`
	GroupName string `json:"group_name"`
	Region    string `json:"region"`
	Summary   string `json:"summary"` // "allow tcp 22 from 0.0.0.0/0 (inbound, priority 1)"
}

// MaxRules bounds the firewall cache's rules (and groups).
const MaxRules = 20000

type firewallFile struct {
	Version int     `json:"version"`
	Groups  []Group `json:"groups"`
	Rules   []Rule  `json:"rules"`
}

// FirewallPath is the firewall cache's path ("" when there is no cache
// directory).
func FirewallPath(getenv func(string) string) string {
	d := Dir(getenv)
	if d == "" {
		return ""
	}
	return filepath.Join(d, "firewall.json")
}

// ReadFirewall reads the firewall cache. A missing cache is empty; one
// that does not parse is an error (completion ignores it).
func ReadFirewall(path string) ([]Group, []Rule, error) {
	if path == "" {
		return nil, nil, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("firewall cache: %w", err)
	}
	var f firewallFile
	if err := json.Unmarshal(data, &f); err != nil || f.Version != fileVersion {
		return nil, nil, fmt.Errorf("firewall cache %s: not in a format this flexusl reads", path)
	}
	return f.Groups, f.Rules, nil
}

// UpdateFirewall records groups and their rules as a listing saw them:
// every cached rule of those groups is replaced by rules; with complete,
// the cached groups of region that are not in groups are dropped with
// their rules. path "" does nothing.
func UpdateFirewall(path, region string, groups []Group, rules []Rule, complete bool) error {
	if path == "" {
		return nil
	}
	oldGroups, oldRules, _ := ReadFirewall(path)
	read := map[string]bool{}
	for _, g := range groups {
		read[g.ID] = true
	}
	gs := slices.Clone(groups)
	for _, g := range oldGroups {
		if read[g.ID] || (complete && g.Region == region) {
			continue
		}
		gs = append(gs, g)
	}
	kept := map[string]bool{}
	for _, g := range gs {
		kept[g.ID] = true
	}
	rs := slices.Clone(rules)
	for _, r := range oldRules {
		if !read[r.GroupID] && kept[r.GroupID] {
			rs = append(rs, r)
		}
	}
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].Region+gs[i].Name < gs[j].Region+gs[j].Name })
	if len(gs) > MaxRules {
		gs = gs[:MaxRules]
	}
	if len(rs) > MaxRules {
		rs = rs[:MaxRules]
	}
	if gs == nil {
		gs = []Group{}
	}
	if rs == nil {
		rs = []Rule{}
	}
	return writeIfChanged(path, "firewall cache", firewallFile{Version: fileVersion, Groups: gs, Rules: rs})
}
