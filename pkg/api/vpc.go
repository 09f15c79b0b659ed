package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/service"
)

// Bounds of the VPC listings: the documented page maximum (2,000) and how
// many pages one listing may take before it stops (a server that keeps
// answering with a next_marker never makes flexusl loop forever).
const (
	VPCPageLimit = 2000
	VPCMaxPages  = 50
	// MaxGroupFilter is how many IDs one listing filters on (repeated
	// query keys); longer lists are split.
	MaxGroupFilter = 50
	// MaxGroupIDs is how many group IDs one listing reads at most (10
	// filters of MaxGroupFilter): far above the default quota of security
	// groups in a region (100), and it bounds the requests a hostile or
	// broken ECS answer can make flexusl send. A longer list is refused
	// before anything is sent.
	MaxGroupIDs = 10 * MaxGroupFilter
)

// checkGroupCount refuses a listing of more than MaxGroupIDs groups.
func checkGroupCount(name string, n int) error {
	if n > MaxGroupIDs {
		return fmt.Errorf("%s: %d security groups asked for: flexusl reads at most %d from VPC in one listing; stopped (nothing was sent)", name, n, MaxGroupIDs)
	}
	return nil
}

// Rule directions, actions and address families as VPC spells them.
const (
	DirectionIngress = "ingress"
	DirectionEgress  = "egress"
	ActionAllow      = "allow"
	ActionDeny       = "deny"
	EtherIPv4        = "IPv4"
	EtherIPv6        = "IPv6"
)

// Text reads a JSON string, or a number where a document prints one
// (multiport is a string in the SDK and a number in a documented
// example); null is "".
type Text string

// UnmarshalJSON accepts "80", 80 and null.
func (t *Text) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	switch {
	case s == "null":
		*t = ""
		return nil
	case strings.HasPrefix(s, `"`):
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*t = Text(v)
		return nil
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return fmt.Errorf("%.40s is neither a string nor a number", s)
	}
	*t = Text(s)
	return nil
}

// Bool reads a JSON boolean, or one written as a string ("true",
// "False", "1", "0"): as tolerant of an odd region as Text and Int.
type Bool bool

// UnmarshalJSON accepts true, "true" and the other spellings of
// strconv.ParseBool, quoted or not.
func (v *Bool) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if uq, err := strconv.Unquote(s); err == nil && strings.HasPrefix(s, `"`) {
		s = strings.TrimSpace(uq)
	}
	x, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("%.40s is not a boolean", b)
	}
	*v = Bool(x)
	return nil
}

// SecurityGroup is a v3 security group (the SDK's vpc/v3 SecurityGroup).
// Rules are listed separately.
type SecurityGroup struct {
	ID                  string        `json:"id"`
	Name                string        `json:"name"`
	Description         string        `json:"description"`
	ProjectID           string        `json:"project_id"`
	EnterpriseProjectID string        `json:"enterprise_project_id"`
	CreatedAt           string        `json:"created_at"`
	UpdatedAt           string        `json:"updated_at"`
	Tags                []ResourceTag `json:"tags"`
}

// ResourceTag is a key/value tag of a VPC resource.
type ResourceTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// SecurityGroupRule is a v3 rule (the SDK's vpc/v3 SecurityGroupRule).
// Read as leniently as the sources disagree: multiport may be a number,
// priority a string, enabled a string, the unused remote_* fields null.
type SecurityGroupRule struct {
	ID                   string `json:"id"`
	Description          string `json:"description"`
	SecurityGroupID      string `json:"security_group_id"`
	Direction            string `json:"direction"`
	Protocol             string `json:"protocol"` // "" = every protocol
	Ethertype            string `json:"ethertype"`
	Multiport            Text   `json:"multiport"` // "" = every port
	Action               string `json:"action"`
	Priority             Int    `json:"priority"`
	RemoteGroupID        string `json:"remote_group_id"`
	RemoteIPPrefix       string `json:"remote_ip_prefix"`
	RemoteAddressGroupID string `json:"remote_address_group_id"`
	ProjectID            string `json:"project_id"`
	Enabled              *Bool  `json:"enabled"` // absent where unsupported (then enabled)
	CreatedAt            string `json:"created_at"`
	UpdatedAt            string `json:"updated_at"`
}

// PageInfo is a VPC listing's page information; NextMarker is absent on
// the last page.
type PageInfo struct {
	PreviousMarker string `json:"previous_marker"`
	CurrentCount   Int    `json:"current_count"`
	NextMarker     string `json:"next_marker"`
}

// ListSecurityGroupsResponse is ListSecurityGroups' answer.
type ListSecurityGroupsResponse struct {
	RequestID      string          `json:"request_id"`
	SecurityGroups []SecurityGroup `json:"security_groups"`
	PageInfo       PageInfo        `json:"page_info"`
}

// ListSecurityGroupRulesResponse is ListSecurityGroupRules' answer. One
// odd rule never fails the page: a rule that cannot be read even
// leniently is left out and named in Skipped.
type ListSecurityGroupRulesResponse struct {
	RequestID          string              `json:"request_id"`
	SecurityGroupRules []SecurityGroupRule `json:"security_group_rules"`
	PageInfo           PageInfo            `json:"page_info"`
	Skipped            []SkippedResource   `json:"-"`
}

// UnmarshalJSON reads the page rule by rule: a rule that cannot be read
// goes to Skipped, not into an error.
func (p *ListSecurityGroupRulesResponse) UnmarshalJSON(b []byte) error {
	var raw struct {
		RequestID          string            `json:"request_id"`
		SecurityGroupRules []json.RawMessage `json:"security_group_rules"`
		PageInfo           PageInfo          `json:"page_info"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*p = ListSecurityGroupRulesResponse{RequestID: raw.RequestID, PageInfo: raw.PageInfo}
	p.SecurityGroupRules = make([]SecurityGroupRule, 0, len(raw.SecurityGroupRules))
	for _, e := range raw.SecurityGroupRules {
		var r SecurityGroupRule
		if err := json.Unmarshal(e, &r); err != nil {
			p.Skipped = append(p.Skipped, SkippedResource{ID: entryID(e), Err: err})
			continue
		}
		p.SecurityGroupRules = append(p.SecurityGroupRules, r)
	}
	return nil
}

// warnSkippedRules says (through Notify: stderr) which rules a listing
// left out, naming each by its ID (quoted when it is not an ID).
func (c *Client) warnSkippedRules(op *Op, skipped []SkippedResource) {
	for _, s := range skipped {
		id := s.ID
		switch {
		case id == "":
			id = "(no ID)"
		case !ValidID(id):
			id = strconv.Quote(id)
		}
		c.notify("%s: rule %s left out: it cannot be read: %s", op.Name, id, capText(s.Err.Error()))
	}
}

// SecurityGroupRuleResponse is the answer of ShowSecurityGroupRule and
// CreateSecurityGroupRule.
type SecurityGroupRuleResponse struct {
	RequestID         string             `json:"request_id"`
	SecurityGroupRule *SecurityGroupRule `json:"security_group_rule"`
}

// CreateRuleOption is the rule of a CreateSecurityGroupRule request (the
// SDK's CreateSecurityGroupRuleOption, in the documented example's field
// order: description last). Priority is a
// string, as the SDK sends it; empty fields are left out (enabled is never
// sent: not every region takes it).
type CreateRuleOption struct {
	SecurityGroupID      string `json:"security_group_id"`
	Direction            string `json:"direction"`
	Ethertype            string `json:"ethertype,omitempty"`
	Protocol             string `json:"protocol,omitempty"`
	Multiport            string `json:"multiport,omitempty"`
	RemoteIPPrefix       string `json:"remote_ip_prefix,omitempty"`
	RemoteGroupID        string `json:"remote_group_id,omitempty"`
	RemoteAddressGroupID string `json:"remote_address_group_id,omitempty"`
	Action               string `json:"action,omitempty"`
	Priority             string `json:"priority,omitempty"`
	Description          string `json:"description,omitempty"`
}

// CreateRuleRequest is the body of CreateSecurityGroupRule.
type CreateRuleRequest struct {
	DryRun            bool             `json:"dry_run,omitempty"`
	SecurityGroupRule CreateRuleOption `json:"security_group_rule"`
}

// VPCCall says where a VPC call goes: the region (endpoint and project),
// the region's project ID when known (RMS lists it) and, for calls that
// change rules, the Client-Request-Id journaled before the call.
type VPCCall struct {
	Region    string
	ProjectID string
	RequestID string
}

// ListSecurityGroups reads the groups with the given IDs (a read; IDs are
// split into filters of MaxGroupFilter). An ID that is not ValidID, or
// more than MaxGroupIDs IDs, are refused before anything is sent.
func (c *Client) ListSecurityGroups(ctx context.Context, call VPCCall, ids []string) ([]SecurityGroup, error) {
	if err := checkGroupCount("list security groups", len(ids)); err != nil {
		return nil, err
	}
	var out []SecurityGroup
	for start := 0; start < len(ids); start += MaxGroupFilter {
		chunk := ids[start:min(start+MaxGroupFilter, len(ids))]
		q := url.Values{}
		for _, id := range chunk {
			if err := checkPathID("security group ID", id); err != nil {
				return nil, fmt.Errorf("list security groups: %w (nothing was sent)", err)
			}
			q.Add("id", id)
		}
		err := c.pages(ctx, "list security groups", service.ListSecurityGroups, service.ListSecurityGroups.PathOf(), call, q, func(body []byte, op *Op, status int) (string, int, error) {
			var page ListSecurityGroupsResponse
			if err := DecodeJSON(body, &page); err != nil {
				return "", 0, &TransientError{Op: op.Name, Cause: fmt.Errorf("%s: HTTP %d with an unreadable answer: %w", op.Name, status, err)}
			}
			out = append(out, page.SecurityGroups...)
			return page.PageInfo.NextMarker, len(page.SecurityGroups), nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ListSecurityGroupRules reads every rule of the given groups (a read,
// paged with next_marker, bounded by VPCMaxPages per filter of
// MaxGroupFilter groups; more than MaxGroupIDs groups are refused before
// anything is sent).
func (c *Client) ListSecurityGroupRules(ctx context.Context, call VPCCall, groupIDs []string) ([]SecurityGroupRule, error) {
	if err := checkGroupCount("list security group rules", len(groupIDs)); err != nil {
		return nil, err
	}
	var out []SecurityGroupRule
	for start := 0; start < len(groupIDs); start += MaxGroupFilter {
		chunk := groupIDs[start:min(start+MaxGroupFilter, len(groupIDs))]
		q := url.Values{}
		for _, id := range chunk {
			if err := checkPathID("security group ID", id); err != nil {
				return nil, fmt.Errorf("list security group rules: %w (nothing was sent)", err)
			}
			q.Add("security_group_id", id)
		}
		err := c.pages(ctx, "list security group rules", service.ListSecurityGroupRules, service.ListSecurityGroupRules.PathOf(), call, q, func(body []byte, op *Op, status int) (string, int, error) {
			var page ListSecurityGroupRulesResponse
			if err := DecodeJSON(body, &page); err != nil {
				return "", 0, &TransientError{Op: op.Name, Cause: fmt.Errorf("%s: HTTP %d with an unreadable answer: %w", op.Name, status, err)}
			}
			c.warnSkippedRules(op, page.Skipped)
			out = append(out, page.SecurityGroupRules...)
			return page.PageInfo.NextMarker, len(page.SecurityGroupRules) + len(page.Skipped), nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// pages runs a marker-paged VPC listing: page reads one answer and returns
// its next_marker and how many entries it held. It stops on the last page
// (no next_marker, or an empty page), and fails when the service repeats a
// marker or the listing passes VPCMaxPages.
func (c *Client) pages(ctx context.Context, name string, listing service.Op, path string, call VPCCall, q url.Values, page func(body []byte, op *Op, status int) (string, int, error)) error {
	seen := map[string]bool{}
	marker := ""
	for n := 0; ; n++ {
		if n == VPCMaxPages {
			return fmt.Errorf("%s: more than %d pages; stopped", name, VPCMaxPages)
		}
		pq := url.Values{}
		for k, v := range q {
			pq[k] = v
		}
		pq.Set("limit", strconv.Itoa(VPCPageLimit))
		if marker != "" {
			pq.Set("marker", marker)
		}
		op := &Op{Name: name, Call: listing, Path: path, Query: pq,
			Scope: auth.ScopeProject, Region: call.Region, ProjectID: call.ProjectID}
		resp, err := c.Do(ctx, op, Idempotent)
		if err != nil {
			return err
		}
		next, count, err := page(resp.Body, op, resp.Status)
		if err != nil {
			return err
		}
		if next == "" || count == 0 {
			return nil
		}
		if seen[next] {
			return fmt.Errorf("%s: the service repeated the page marker %.80q; stopped", name, next)
		}
		seen[next] = true
		marker = next
	}
}

// ShowSecurityGroupRule reads one rule (a read). A rule that does not
// exist is an *Error with HTTP 404 (see IsNotFound).
func (c *Client) ShowSecurityGroupRule(ctx context.Context, call VPCCall, ruleID string) (*SecurityGroupRule, error) {
	if err := checkPathID("security group rule ID", ruleID); err != nil {
		return nil, fmt.Errorf("show security group rule: %w (nothing was sent)", err)
	}
	op := &Op{Name: "show security group rule " + ruleID, Call: service.ShowSecurityGroupRule, Path: service.ShowSecurityGroupRule.PathOf(ruleID),
		Scope: auth.ScopeProject, Region: call.Region, ProjectID: call.ProjectID}
	var out SecurityGroupRuleResponse
	if _, err := c.DoJSON(ctx, op, Idempotent, &out); err != nil {
		return nil, err
	}
	if out.SecurityGroupRule == nil {
		return nil, &TransientError{Op: op.Name, Cause: fmt.Errorf("%s: the answer holds no security_group_rule", op.Name)}
	}
	if out.SecurityGroupRule.ID != ruleID {
		// An answer about another rule is never acted on: deleting "it"
		// would delete a rule nobody named.
		return nil, fmt.Errorf("%s: VPC was asked about rule %s but answered about rule %q: not using that answer", op.Name, ruleID, out.SecurityGroupRule.ID)
	}
	return out.SecurityGroupRule, nil
}

// PrepareCreateSecurityGroupRule builds the create request without sending
// it (for --dry-run and for sending as shown).
func (c *Client) PrepareCreateSecurityGroupRule(call VPCCall, o CreateRuleOption) (*Prepared, error) {
	const name = "create security group rule"
	if err := checkPathID("security group ID", o.SecurityGroupID); err != nil {
		return nil, fmt.Errorf("%s: %w (nothing was sent)", name, err)
	}
	if o.Direction != DirectionIngress && o.Direction != DirectionEgress {
		return nil, fmt.Errorf("%s: direction %q is not ingress or egress (nothing was sent)", name, o.Direction)
	}
	body, err := encodeBody(CreateRuleRequest{SecurityGroupRule: o})
	if err != nil {
		return nil, err
	}
	return c.Prepare(&Op{Name: name, Call: service.CreateSecurityGroupRule, Path: service.CreateSecurityGroupRule.PathOf(), Body: body,
		Scope: auth.ScopeProject, Region: call.Region, ProjectID: call.ProjectID, RequestID: call.RequestID})
}

// CreateSecurityGroupRule sends a prepared create at most once and returns
// the rule VPC made. A 2xx answer whose rule cannot be read, or whose ID is
// not ValidID, is an error wrapping ErrAnswerUnreadable: the rule was made.
func (c *Client) CreateSecurityGroupRule(ctx context.Context, p *Prepared) (*SecurityGroupRule, error) {
	resp, err := c.DoPrepared(ctx, p, AtMostOnce)
	if err != nil {
		return nil, err
	}
	var out SecurityGroupRuleResponse
	if err := DecodeJSON(resp.Body, &out); err != nil || out.SecurityGroupRule == nil || !ValidID(out.SecurityGroupRule.ID) {
		return nil, fmt.Errorf("%s: %w (HTTP %d): %.200q", p.op.Name, ErrAnswerUnreadable, resp.Status, resp.Body)
	}
	return out.SecurityGroupRule, nil
}

// DeleteSecurityGroupRule deletes a rule at most once. A rule that does
// not exist is an *Error with HTTP 404 (IsNotFound): nothing was deleted.
func (c *Client) DeleteSecurityGroupRule(ctx context.Context, call VPCCall, ruleID string) error {
	p, err := c.PrepareDeleteSecurityGroupRule(call, ruleID)
	if err != nil {
		return err
	}
	_, err = c.DoPrepared(ctx, p, AtMostOnce)
	return err
}

// PrepareDeleteSecurityGroupRule builds the DELETE of rule ruleID (its ID
// checked before it enters the path), for sending or for a dry run.
func (c *Client) PrepareDeleteSecurityGroupRule(call VPCCall, ruleID string) (*Prepared, error) {
	if err := checkPathID("security group rule ID", ruleID); err != nil {
		return nil, fmt.Errorf("delete security group rule: %w (nothing was sent)", err)
	}
	return c.Prepare(&Op{Name: "delete security group rule " + ruleID, Call: service.DeleteSecurityGroupRule, Path: service.DeleteSecurityGroupRule.PathOf(ruleID),
		Scope: auth.ScopeProject, Region: call.Region, ProjectID: call.ProjectID, RequestID: call.RequestID})
}

// IsNotFound reports whether err is the service's answer that the thing
// asked for does not exist (HTTP 404).
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusNotFound && !IsUnknownOutcome(err)
}

// IsGatewayError reports whether err is the API gateway's own answer
// (APIGW.xxxx: no such API, throttling...), not the service's: a gateway
// 404 says nothing about whether a rule exists.
func IsGatewayError(err error) bool {
	var e *Error
	return errors.As(err, &e) && strings.HasPrefix(e.Code, "APIGW.")
}

// IsConflict reports whether err is a 409 answer (VPC: the rule exists).
func IsConflict(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusConflict && !IsUnknownOutcome(err)
}

// ServerSecurityGroup is one group of a server as ShowServer lists it
// (the SDK's ServerSecurityGroup). Name may hold the group's name or its
// ID; use ID.
type ServerSecurityGroup struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}
