package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// VPC v3 paths (NETWORK-AND-PRICES.md §3.3-§8); {project_id} picks the
// region.
const (
	pathVPCGroups = "/v3/{project_id}/vpc/security-groups"
	pathVPCGroup  = "/v3/{project_id}/vpc/security-groups/{security_group_id}"
	pathVPCRules  = "/v3/{project_id}/vpc/security-group-rules"
	pathVPCRule   = "/v3/{project_id}/vpc/security-group-rules/{security_group_rule_id}"
)

// Error codes of the sandbox's VPC. VPC.0007 (project in the URL is not
// the token's) is documented (VPC-err); the others are not: they are the
// sandbox's, and flexusl never branches on them.
const (
	vpcProject   = "VPC.0007"
	vpcInvalid   = "VPC.0602"
	vpcNotFound  = "VPC.0601"
	vpcDuplicate = "VPC.0610"
	vpcQuota     = "VPC.0614"
	vpcFailed    = "VPC.0500"
)

// Limits the sandbox's VPC applies. The per-group rule quota is not
// documented (NETWORK-AND-PRICES.md §1): 100 is the sandbox's; 20 port
// groups per rule is the console's limit.
const (
	maxRulesPerGroup = 100
	maxPortGroups    = 20
	defaultGroupName = "sg-default-smb"
)

// Time layouts of VPC: groups as in the §3.3 example, rules as in §4's.
const (
	layoutVPCGroup = "2006-01-02T15:04:05Z"
	layoutVPCRule  = "2006-01-02T15:04:05.000+00:00"
)

// secGroup is a security group of one region.
type secGroup struct {
	ID, Name, Description, Region string
	Created, Updated              time.Time
}

// secRule is a rule of a group; empty Protocol, Multiport and remote mean
// every protocol, every port, every address.
type secRule struct {
	ID, GroupID, Region                                 string
	Direction, Ethertype, Protocol, Multiport, Action   string
	RemoteIPPrefix, RemoteGroupID, RemoteAddressGroupID string
	Priority                                            int
	Description                                         string
	Enabled                                             bool
	Created                                             time.Time
}

// vpcState is the security groups and rules of every region.
type vpcState struct {
	groups   map[string]*secGroup
	groupSeq []*secGroup
	rules    map[string]*secRule
	ruleSeq  []*secRule
}

func (v *vpcState) reset() {
	v.groups, v.groupSeq, v.rules, v.ruleSeq = map[string]*secGroup{}, nil, map[string]*secRule{}, nil
}

// Wire types (testdata/wire/vpc).
type (
	vpcTag       struct{}
	groupWireOut struct {
		ID                  string   `json:"id"`
		Name                string   `json:"name"`
		Description         string   `json:"description"`
		ProjectID           string   `json:"project_id"`
		EnterpriseProjectID string   `json:"enterprise_project_id"`
		Tags                []vpcTag `json:"tags"`
		CreatedAt           string   `json:"created_at"`
		UpdatedAt           string   `json:"updated_at"`
	}
	groupInfoOut struct {
		groupWireOut
		Rules []ruleWireOut `json:"security_group_rules"`
	}
	ruleWireOut struct {
		ID                   string  `json:"id"`
		SecurityGroupID      string  `json:"security_group_id"`
		Direction            string  `json:"direction"`
		Ethertype            string  `json:"ethertype"`
		Protocol             string  `json:"protocol"`
		Multiport            string  `json:"multiport"`
		RemoteIPPrefix       *string `json:"remote_ip_prefix"`
		RemoteGroupID        *string `json:"remote_group_id"`
		RemoteAddressGroupID *string `json:"remote_address_group_id"`
		Action               string  `json:"action"`
		Priority             int     `json:"priority"`
		Description          string  `json:"description"`
		ProjectID            string  `json:"project_id"`
		Enabled              bool    `json:"enabled"`
		CreatedAt            string  `json:"created_at"`
		UpdatedAt            string  `json:"updated_at"`
	}
	vpcPageInfo struct {
		PreviousMarker string `json:"previous_marker,omitempty"`
		CurrentCount   int    `json:"current_count"`
		NextMarker     string `json:"next_marker,omitempty"`
	}
	// priorityIn is create's priority: a string in the SDK, a number in
	// the documented example; both are accepted.
	priorityIn struct {
		set bool
		v   string
	}
	createRuleIn struct {
		SecurityGroupID      *string    `json:"security_group_id"`
		Description          *string    `json:"description"`
		Direction            *string    `json:"direction"`
		Ethertype            *string    `json:"ethertype"`
		Protocol             *string    `json:"protocol"`
		Multiport            *string    `json:"multiport"`
		RemoteIPPrefix       *string    `json:"remote_ip_prefix"`
		RemoteGroupID        *string    `json:"remote_group_id"`
		RemoteAddressGroupID *string    `json:"remote_address_group_id"`
		Action               *string    `json:"action"`
		Priority             priorityIn `json:"priority"`
		Enabled              *bool      `json:"enabled"`
	}
	createRuleRequest struct {
		DryRun *bool         `json:"dry_run"`
		Rule   *createRuleIn `json:"security_group_rule"`
	}
)

func (p *priorityIn) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		p.set, p.v = true, s
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("priority must be a string or a number")
	}
	p.set, p.v = true, n.String()
	return nil
}

// vpcProjectOf checks the path's project and returns its region; a
// project that is not the account's is VPC.0007.
func (c *call) vpcProjectOf() (string, bool) {
	p := c.r.PathValue("project_id")
	if hp := c.r.Header.Get("X-Project-Id"); c.r.Header.Get("Authorization") != "" && hp != p {
		c.fail(http.StatusBadRequest, vpcProject, fmt.Sprintf("The project %s in the URL is not the project %s of the credentials.", p, hp))
		return "", false
	}
	region, ok := c.s.regionOfProject(p)
	if !ok {
		c.fail(http.StatusBadRequest, vpcProject, fmt.Sprintf("The project %s in the URL is not a project of this account.", p))
		return "", false
	}
	return region, true
}

// defaultGroup is the region's sg-default-smb, made with FlexusL's
// default rules the first time an instance of the region needs it; s.mu
// is held.
func (s *Server) defaultGroup(region string, at time.Time) *secGroup {
	for _, g := range s.vpc.groupSeq {
		if g.Region == region && g.Name == defaultGroupName {
			return g
		}
	}
	g := s.addGroup(region, defaultGroupName, "", at)
	// FL-sg: ICMP in, everything out; nothing opens 22 or 3389. The
	// members reaching each other (FL-sgrule) is modelled as the usual
	// rules sourced from the group itself (a guess of how it is done).
	for _, r := range []secRule{
		{Direction: "ingress", Ethertype: "IPv4", Protocol: "icmp", RemoteIPPrefix: "0.0.0.0/0", Priority: 1},
		{Direction: "ingress", Ethertype: "IPv4", RemoteGroupID: g.ID, Priority: 1},
		{Direction: "ingress", Ethertype: "IPv6", RemoteGroupID: g.ID, Priority: 1},
		{Direction: "egress", Ethertype: "IPv4", RemoteIPPrefix: "0.0.0.0/0", Priority: 100},
		{Direction: "egress", Ethertype: "IPv6", RemoteIPPrefix: "::/0", Priority: 100},
	} {
		r.Action, r.Enabled = "allow", true
		s.addRule(g, r, at)
	}
	return g
}

// addGroup makes a group; s.mu is held.
func (s *Server) addGroup(region, name, description string, at time.Time) *secGroup {
	g := &secGroup{ID: uuid.NewString(), Name: name, Description: description, Region: region, Created: at, Updated: at}
	s.vpc.groups[g.ID] = g
	s.vpc.groupSeq = append(s.vpc.groupSeq, g)
	return g
}

// addRule adds r to g; s.mu is held.
func (s *Server) addRule(g *secGroup, r secRule, at time.Time) *secRule {
	r.ID, r.GroupID, r.Region, r.Created = uuid.NewString(), g.ID, g.Region, at
	p := &r
	s.vpc.rules[r.ID] = p
	s.vpc.ruleSeq = append(s.vpc.ruleSeq, p)
	g.Updated = at
	return p
}

func (s *Server) groupView(g *secGroup) groupWireOut {
	return groupWireOut{ID: g.ID, Name: g.Name, Description: g.Description, ProjectID: ProjectID(g.Region), EnterpriseProjectID: "0",
		Tags: []vpcTag{}, CreatedAt: fmtTime(g.Created, layoutVPCGroup), UpdatedAt: fmtTime(g.Updated, layoutVPCGroup)}
}

func ruleView(r *secRule) ruleWireOut {
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	t := fmtTime(r.Created, layoutVPCRule)
	return ruleWireOut{ID: r.ID, SecurityGroupID: r.GroupID, Direction: r.Direction, Ethertype: r.Ethertype, Protocol: r.Protocol,
		Multiport: r.Multiport, RemoteIPPrefix: opt(r.RemoteIPPrefix), RemoteGroupID: opt(r.RemoteGroupID),
		RemoteAddressGroupID: opt(r.RemoteAddressGroupID), Action: r.Action, Priority: r.Priority, Description: r.Description,
		ProjectID: ProjectID(r.Region), Enabled: r.Enabled, CreatedAt: t, UpdatedAt: t}
}

// pageParams reads limit (0-2000; 0 or absent = 2000) and marker.
func (c *call) pageParams() (limit int, marker string, ok bool) {
	q := c.r.URL.Query()
	limit = 2000
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 2000 {
			c.fail(http.StatusBadRequest, vpcInvalid, fmt.Sprintf("Invalid parameter: limit %q must be an integer from 0 to 2000.", v))
			return 0, "", false
		}
		if n > 0 {
			limit = n
		}
	}
	return limit, q.Get("marker"), true
}

// page cuts ids (in listing order) after marker to limit, with the page
// information.
func (c *call) page(ids []string, limit int, marker string) ([]string, vpcPageInfo, bool) {
	start := 0
	if marker != "" {
		i := slices.Index(ids, marker)
		if i < 0 {
			c.fail(http.StatusBadRequest, vpcInvalid, fmt.Sprintf("Invalid parameter: marker %s is not in the listing.", marker))
			return nil, vpcPageInfo{}, false
		}
		start = i + 1
	}
	end := min(start+limit, len(ids))
	out := ids[start:end]
	pi := vpcPageInfo{CurrentCount: len(out)}
	if len(out) > 0 {
		pi.PreviousMarker = out[0]
	}
	if end < len(ids) && len(out) > 0 {
		pi.NextMarker = out[len(out)-1]
	}
	return out, pi, true
}

// matches reports whether v passes a repeatable query filter (none = any).
func matches(vals []string, v string) bool { return len(vals) == 0 || slices.Contains(vals, v) }

func (s *Server) listGroups(c *call) {
	region, ok := c.vpcProjectOf()
	if !ok {
		return
	}
	limit, marker, ok := c.pageParams()
	if !ok {
		return
	}
	q := c.r.URL.Query()
	s.mu.Lock()
	var ids []string
	byID := map[string]groupWireOut{}
	for _, g := range s.vpc.groupSeq {
		if g.Region == region && matches(q["id"], g.ID) && matches(q["name"], g.Name) && matches(q["description"], g.Description) {
			ids = append(ids, g.ID)
			byID[g.ID] = s.groupView(g)
		}
	}
	s.mu.Unlock()
	page, pi, ok := c.page(ids, limit, marker)
	if !ok {
		return
	}
	out := struct {
		RequestID      string         `json:"request_id"`
		SecurityGroups []groupWireOut `json:"security_groups"`
		PageInfo       vpcPageInfo    `json:"page_info"`
	}{RequestID: c.id, SecurityGroups: []groupWireOut{}, PageInfo: pi}
	for _, id := range page {
		out.SecurityGroups = append(out.SecurityGroups, byID[id])
	}
	c.json(http.StatusOK, out)
}

func (s *Server) showGroup(c *call) {
	region, ok := c.vpcProjectOf()
	if !ok {
		return
	}
	id := c.r.PathValue("security_group_id")
	s.mu.Lock()
	g := s.vpc.groups[id]
	var v groupInfoOut
	if g != nil && g.Region == region {
		v = groupInfoOut{groupWireOut: s.groupView(g), Rules: []ruleWireOut{}}
		for _, r := range s.vpc.ruleSeq {
			if r.GroupID == id {
				v.Rules = append(v.Rules, ruleView(r))
			}
		}
	}
	s.mu.Unlock()
	if g == nil || g.Region != region {
		c.fail(http.StatusNotFound, vpcNotFound, fmt.Sprintf("Security group %s does not exist.", id))
		return
	}
	c.json(http.StatusOK, struct {
		RequestID     string       `json:"request_id"`
		SecurityGroup groupInfoOut `json:"security_group"`
	}{c.id, v})
}

func (s *Server) listRules(c *call) {
	region, ok := c.vpcProjectOf()
	if !ok {
		return
	}
	limit, marker, ok := c.pageParams()
	if !ok {
		return
	}
	q := c.r.URL.Query()
	one := func(key string) []string {
		if v := q.Get(key); v != "" {
			return []string{v}
		}
		return nil
	}
	s.mu.Lock()
	var ids []string
	byID := map[string]ruleWireOut{}
	for _, r := range s.vpc.ruleSeq {
		if r.Region != region || !matches(q["security_group_id"], r.GroupID) || !matches(q["id"], r.ID) ||
			!matches(q["protocol"], r.Protocol) || !matches(one("direction"), r.Direction) || !matches(one("action"), r.Action) ||
			!matches(one("remote_ip_prefix"), r.RemoteIPPrefix) || !matchesFold(q["ethertype"], r.Ethertype) ||
			!matches(q["priority"], strconv.Itoa(r.Priority)) || !matches(q["description"], r.Description) {
			continue
		}
		ids = append(ids, r.ID)
		byID[r.ID] = ruleView(r)
	}
	s.mu.Unlock()
	page, pi, ok := c.page(ids, limit, marker)
	if !ok {
		return
	}
	out := struct {
		RequestID string        `json:"request_id"`
		Rules     []ruleWireOut `json:"security_group_rules"`
		PageInfo  vpcPageInfo   `json:"page_info"`
	}{RequestID: c.id, Rules: []ruleWireOut{}, PageInfo: pi}
	for _, id := range page {
		out.Rules = append(out.Rules, byID[id])
	}
	c.json(http.StatusOK, out)
}

func matchesFold(vals []string, v string) bool {
	if len(vals) == 0 {
		return true
	}
	for _, x := range vals {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// ruleAnswer is the answer of show and create.
type ruleAnswer struct {
	RequestID string      `json:"request_id"`
	Rule      ruleWireOut `json:"security_group_rule"`
}

func (s *Server) showRule(c *call) {
	region, ok := c.vpcProjectOf()
	if !ok {
		return
	}
	id := c.r.PathValue("security_group_rule_id")
	s.mu.Lock()
	r := s.vpc.rules[id]
	var v ruleWireOut
	if r != nil && r.Region == region {
		v = ruleView(r)
	}
	s.mu.Unlock()
	if r == nil || r.Region != region {
		c.fail(http.StatusNotFound, vpcNotFound, fmt.Sprintf("Security group rule %s does not exist.", id))
		return
	}
	c.json(http.StatusOK, ruleAnswer{c.id, v})
}

func (s *Server) deleteRule(c *call) {
	region, ok := c.vpcProjectOf()
	if !ok {
		return
	}
	id := c.r.PathValue("security_group_rule_id")
	s.mu.Lock()
	r := s.vpc.rules[id]
	found := r != nil && r.Region == region
	if found {
		delete(s.vpc.rules, id)
		s.vpc.ruleSeq = slices.DeleteFunc(s.vpc.ruleSeq, func(x *secRule) bool { return x.ID == id })
		if g := s.vpc.groups[r.GroupID]; g != nil {
			g.Updated = c.now
		}
	}
	s.mu.Unlock()
	if !found {
		c.fail(http.StatusNotFound, vpcNotFound, fmt.Sprintf("Security group rule %s does not exist.", id))
		return
	}
	c.noContent()
}

// checkMultiport validates and normalizes a multiport value: ports
// 1-65535 and low-high ranges, at most maxPortGroups.
func checkMultiport(m string) (string, string) {
	parts := strings.Split(m, ",")
	if len(parts) > maxPortGroups {
		return "", fmt.Sprintf("multiport %q has %d port groups: at most %d are allowed", m, len(parts), maxPortGroups)
	}
	port := func(s string) (int, bool) {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		return n, err == nil && n >= 1 && n <= 65535
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		lo, hi, isRange := strings.Cut(p, "-")
		a, ok := port(lo)
		if !ok {
			return "", fmt.Sprintf("multiport %q: %q is not a port from 1 to 65535", m, p)
		}
		if !isRange {
			out[i] = strconv.Itoa(a)
			continue
		}
		b, ok := port(hi)
		if !ok || a > b {
			return "", fmt.Sprintf("multiport %q: %q is not a range low-high of ports from 1 to 65535", m, p)
		}
		out[i] = fmt.Sprintf("%d-%d", a, b)
	}
	return strings.Join(out, ","), ""
}

// normPrefix reads a remote_ip_prefix of family ethertype: a bare address
// is stored as /32 or /128.
func normPrefix(s, ethertype string) (string, string) {
	var p netip.Prefix
	if strings.Contains(s, "/") {
		q, err := netip.ParsePrefix(s)
		if err != nil {
			return "", fmt.Sprintf("remote_ip_prefix %q is not an IP address or CIDR", s)
		}
		p = q.Masked()
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return "", fmt.Sprintf("remote_ip_prefix %q is not an IP address or CIDR", s)
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if p.Addr().Is6() != (ethertype == "IPv6") {
		return "", fmt.Sprintf("remote_ip_prefix %q is not an %s address", s, ethertype)
	}
	return p.String(), ""
}

// checkRule validates a create request's rule as VPC documents it and
// returns the rule to store, or the status and message of the refusal;
// s.mu is held.
func (s *Server) checkRule(in *createRuleIn, region string) (secRule, *secGroup, int, string) {
	bad := func(msg string) (secRule, *secGroup, int, string) {
		return secRule{}, nil, http.StatusBadRequest, "Invalid parameter: " + msg
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	if in.SecurityGroupID == nil || *in.SecurityGroupID == "" {
		return bad("security_group_rule.security_group_id is required")
	}
	r := secRule{Direction: str(in.Direction), Ethertype: "IPv4", Protocol: strings.ToLower(str(in.Protocol)), Action: "allow",
		Priority: 100, Description: str(in.Description), Enabled: true}
	if r.Direction != "ingress" && r.Direction != "egress" {
		return bad(fmt.Sprintf("security_group_rule.direction %q must be ingress or egress", r.Direction))
	}
	if in.Ethertype != nil {
		switch strings.ToLower(*in.Ethertype) {
		case "ipv4":
		case "ipv6":
			r.Ethertype = "IPv6"
		default:
			return bad(fmt.Sprintf("security_group_rule.ethertype %q must be IPv4 or IPv6", *in.Ethertype))
		}
	}
	switch r.Protocol {
	case "", "tcp", "udp":
	case "icmp":
		if r.Ethertype != "IPv4" {
			return bad("security_group_rule.protocol icmp needs ethertype IPv4")
		}
	case "icmpv6":
		if r.Ethertype != "IPv6" {
			return bad("security_group_rule.protocol icmpv6 needs ethertype IPv6")
		}
	default:
		if n, err := strconv.Atoi(r.Protocol); err != nil || n < 0 || n > 255 {
			return bad(fmt.Sprintf("security_group_rule.protocol %q must be tcp, udp, icmp, icmpv6 or an IP protocol number 0-255", r.Protocol))
		}
	}
	if m := str(in.Multiport); m != "" {
		if r.Protocol != "tcp" && r.Protocol != "udp" {
			return bad(fmt.Sprintf("security_group_rule.multiport needs protocol tcp or udp, not %q", r.Protocol))
		}
		norm, msg := checkMultiport(m)
		if msg != "" {
			return bad("security_group_rule." + msg)
		}
		r.Multiport = norm
	}
	remotes := 0
	for _, p := range []*string{in.RemoteIPPrefix, in.RemoteGroupID, in.RemoteAddressGroupID} {
		if str(p) != "" {
			remotes++
		}
	}
	if remotes > 1 {
		return bad("security_group_rule: remote_ip_prefix, remote_group_id and remote_address_group_id exclude each other")
	}
	if p := str(in.RemoteIPPrefix); p != "" {
		norm, msg := normPrefix(p, r.Ethertype)
		if msg != "" {
			return bad("security_group_rule." + msg)
		}
		r.RemoteIPPrefix = norm
	}
	if id := str(in.RemoteGroupID); id != "" {
		if g := s.vpc.groups[id]; g == nil || g.Region != region {
			return secRule{}, nil, http.StatusNotFound, fmt.Sprintf("Security group %s (remote_group_id) does not exist.", id)
		}
		r.RemoteGroupID = id
	}
	r.RemoteAddressGroupID = str(in.RemoteAddressGroupID)
	if in.Action != nil {
		if *in.Action != "allow" && *in.Action != "deny" {
			return bad(fmt.Sprintf("security_group_rule.action %q must be allow or deny", *in.Action))
		}
		r.Action = *in.Action
	}
	if in.Priority.set {
		n, err := strconv.Atoi(in.Priority.v)
		if err != nil || n < 1 || n > 100 {
			return bad(fmt.Sprintf("security_group_rule.priority %q must be 1 to 100", in.Priority.v))
		}
		r.Priority = n
	}
	if n := utf8.RuneCountInString(r.Description); n > 255 || strings.ContainsAny(r.Description, "<>") {
		return bad("security_group_rule.description must be 0 to 255 characters without < or >")
	}
	if in.Enabled != nil {
		r.Enabled = *in.Enabled
	}
	g := s.vpc.groups[*in.SecurityGroupID]
	if g == nil || g.Region != region {
		return secRule{}, nil, http.StatusNotFound, fmt.Sprintf("Security group %s does not exist.", *in.SecurityGroupID)
	}
	return r, g, 0, ""
}

// same is VPC's duplicate: every field that decides what the rule does.
func (a *secRule) same(b secRule) bool {
	return a.Direction == b.Direction && a.Ethertype == b.Ethertype && a.Protocol == b.Protocol && a.Multiport == b.Multiport &&
		a.RemoteIPPrefix == b.RemoteIPPrefix && a.RemoteGroupID == b.RemoteGroupID && a.RemoteAddressGroupID == b.RemoteAddressGroupID &&
		a.Action == b.Action && a.Priority == b.Priority
}

// createRule is CreateSecurityGroupRule: validated (400), the group must
// exist (404), a duplicate of an existing rule is 409 naming it, the
// group's quota is maxRulesPerGroup; dry_run answers 202 and makes
// nothing.
func (s *Server) createRule(c *call) {
	region, ok := c.vpcProjectOf()
	if !ok {
		return
	}
	var req createRuleRequest
	if err := decodeStrict(c.body, &req); err != nil {
		c.fail(http.StatusBadRequest, vpcInvalid, "Invalid parameter: "+err.Error())
		return
	}
	if req.Rule == nil {
		c.fail(http.StatusBadRequest, vpcInvalid, "Invalid parameter: security_group_rule is required")
		return
	}
	s.mu.Lock()
	r, g, status, msg := s.checkRule(req.Rule, region)
	var dup *secRule
	count := 0
	if status == 0 {
		for _, x := range s.vpc.ruleSeq {
			if x.GroupID != g.ID {
				continue
			}
			count++
			if x.same(r) {
				dup = x
			}
		}
	}
	var v ruleWireOut
	created := false
	switch {
	case status != 0, dup != nil, count >= maxRulesPerGroup, req.DryRun != nil && *req.DryRun:
	default:
		v, created = ruleView(s.addRule(g, r, c.now)), true
	}
	s.mu.Unlock()
	switch {
	case status == http.StatusNotFound:
		c.fail(status, vpcNotFound, msg)
	case status != 0:
		c.fail(status, vpcInvalid, msg)
	case dup != nil:
		c.fail(http.StatusConflict, vpcDuplicate, fmt.Sprintf("Security group rule already exists: the rule %s of the group has the same direction, ethertype, protocol, ports, remote, action and priority.", dup.ID))
	case count >= maxRulesPerGroup:
		c.fail(http.StatusBadRequest, vpcQuota, fmt.Sprintf("Quota exceeded: security group %s already holds %d rules.", g.ID, maxRulesPerGroup))
	case !created:
		c.json(http.StatusAccepted, struct {
			RequestID string `json:"request_id"`
		}{c.id})
	default:
		c.json(http.StatusCreated, ruleAnswer{c.id, v})
	}
}

// serverGroups are the groups of a server as ShowServer lists them; s.mu
// is held.
func (s *Server) serverGroups(in *instance) []serverSecGroup {
	out := []serverSecGroup{}
	for _, id := range in.Server.Groups {
		if g := s.vpc.groups[id]; g != nil {
			out = append(out, serverSecGroup{Name: g.Name, ID: g.ID})
		}
	}
	return out
}

// serverSecGroup is a group in ShowServer's security_groups.
type serverSecGroup struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// GroupSummary is a security group as the control API lists it.
type GroupSummary struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Region      string   `json:"region"`
	Rules       int      `json:"rules"`
	Instances   []string `json:"instances"` // IDs of the instances whose servers it protects
}

// SecurityGroups lists every group, oldest first.
func (s *Server) SecurityGroups() []GroupSummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []GroupSummary{}
	for _, g := range s.vpc.groupSeq {
		out = append(out, s.groupSummary(g))
	}
	return out
}

func (s *Server) groupSummary(g *secGroup) GroupSummary {
	sum := GroupSummary{ID: g.ID, Name: g.Name, Description: g.Description, Region: g.Region, Instances: []string{}}
	for _, r := range s.vpc.ruleSeq {
		if r.GroupID == g.ID {
			sum.Rules++
		}
	}
	for _, in := range s.instSeq {
		if !in.Deleted && slices.Contains(in.Server.Groups, g.ID) {
			sum.Instances = append(sum.Instances, in.ID)
		}
	}
	sort.Strings(sum.Instances)
	return sum
}

// AttachRequest asks the control API to attach a security group to an
// instance's server: an existing group (GroupID) or a new one (Name,
// Description; no rules).
type AttachRequest struct {
	GroupID     string `json:"group_id,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
}

// AttachGroup attaches a group to an instance's server (as the console's
// "change security group" does).
func (s *Server) AttachGroup(instanceID string, a AttachRequest) (GroupSummary, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.instances[instanceID]
	if in == nil || in.Deleted {
		return GroupSummary{}, fmt.Errorf("instance %s does not exist", instanceID)
	}
	var g *secGroup
	switch {
	case a.GroupID != "" && (a.Name != "" || a.Description != ""):
		return GroupSummary{}, fmt.Errorf("give group_id, or name and description for a new group, not both")
	case a.GroupID != "":
		g = s.vpc.groups[a.GroupID]
		if g == nil || g.Region != in.Region {
			return GroupSummary{}, fmt.Errorf("security group %s does not exist in %s", a.GroupID, in.Region)
		}
	default:
		if n := utf8.RuneCountInString(a.Name); n < 1 || n > 64 {
			return GroupSummary{}, fmt.Errorf("name: 1 to 64 characters are required")
		}
		if utf8.RuneCountInString(a.Description) > 255 {
			return GroupSummary{}, fmt.Errorf("description: at most 255 characters")
		}
		g = s.addGroup(in.Region, a.Name, a.Description, s.opts.Now())
	}
	if !slices.Contains(in.Server.Groups, g.ID) {
		in.Server.Groups = append(in.Server.Groups, g.ID)
	}
	return s.groupSummary(g), nil
}

// SetRuleEnabled sets a rule's "enabled" (as the console's enable/disable
// does; flexusl never sends the field), for tests of disabled rules.
func (s *Server) SetRuleEnabled(ruleID string, enabled bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.vpc.rules[ruleID]
	if r == nil {
		return fmt.Errorf("security group rule %s does not exist", ruleID)
	}
	r.Enabled = enabled
	return nil
}
