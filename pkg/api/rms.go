package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/service"
)

// InstanceType is the RMS type of a FlexusL instance.
const InstanceType = "hcss.l-instance"

// RMS logical resource types of the resources inside a FlexusL instance.
const (
	LogicalECS          = "huaweicloudinternal_ecs_instance"
	LogicalEIP          = "huaweicloudinternal_eip"
	LogicalFreeResource = "huaweicloudinternal_cbc_freeresource"
)

// Resource is one RMS entry: a FlexusL instance (LIFECYCLE §2).
type Resource struct {
	ID                string             `json:"id"` // the FlexusL instance ID (24 hex)
	Name              string             `json:"name"`
	Provider          string             `json:"provider"`
	Type              string             `json:"type"`
	RegionID          string             `json:"region_id"`
	ProjectID         string             `json:"project_id"`
	ProjectName       string             `json:"project_name"`
	EpID              string             `json:"ep_id"`
	Created           string             `json:"created"`
	Updated           string             `json:"updated"`
	ProvisioningState string             `json:"provisioning_state"`
	State             string             `json:"state"`
	Tags              map[string]string  `json:"tags"`
	Properties        ResourceProperties `json:"properties"`
}

// ResourceProperties are the FlexusL-specific properties of an RMS entry.
type ResourceProperties struct {
	Status    string            `json:"status"`
	Metadata  map[string]string `json:"metadata"`
	Resources []SubResource     `json:"resources"`
}

// SubResource is one resource inside a FlexusL instance (server, EIP,
// traffic package, disks...).
type SubResource struct {
	LogicalResourceType  string         `json:"logical_resource_type"`
	PhysicalResourceID   string         `json:"physical_resource_id"`
	PhysicalResourceName string         `json:"physical_resource_name"`
	ResourceAttributes   []KeyValuePair `json:"resource_attributes"`
}

// KeyValuePair is an RMS resource attribute.
type KeyValuePair struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func (r *Resource) sub(logical string) *SubResource {
	for i := range r.Properties.Resources {
		if r.Properties.Resources[i].LogicalResourceType == logical {
			return &r.Properties.Resources[i]
		}
	}
	return nil
}

// ServerID is the ECS server's ID ("" when RMS lists none yet).
func (r *Resource) ServerID() string {
	if s := r.sub(LogicalECS); s != nil {
		return s.PhysicalResourceID
	}
	return ""
}

// FreeResourceID is the traffic package's ID ("" when none).
func (r *Resource) FreeResourceID() string {
	if s := r.sub(LogicalFreeResource); s != nil {
		return s.PhysicalResourceID
	}
	return ""
}

// PublicIP is the first public_ip_address attribute of any inside
// resource, as Huawei's own scripts read it ("" when none).
func (r *Resource) PublicIP() string {
	for _, s := range r.Properties.Resources {
		for _, a := range s.ResourceAttributes {
			if a.Key == "public_ip_address" && a.Value != "" {
				return a.Value
			}
		}
	}
	return ""
}

// OrderID is the purchase order's ID from the metadata.
func (r *Resource) OrderID() string { return r.Properties.Metadata["order_id"] }

// ChargingMode is the metadata's charging mode (prePaid).
func (r *Resource) ChargingMode() string { return r.Properties.Metadata["charging_mode"] }

// ListResourcesPage is one page of ListAllResources.
type ListResourcesPage struct {
	Resources []Resource `json:"resources"`
	PageInfo  struct {
		CurrentCount int     `json:"current_count"`
		NextMarker   *string `json:"next_marker"`
	} `json:"page_info"`
	// Skipped are entries that could not be read (see rms_lenient.go).
	Skipped []SkippedResource `json:"-"`
}

// ListInstancesOptions filter ListInstances.
type ListInstancesOptions struct {
	Region string // "" = every region
	Name   string // RMS name filter
	ID     string // exact instance ID
	Limit  int    // page size, 1-200; 0 = 200
}

// ListInstances reads every page of RMS ListAllResources for FlexusL
// instances. Pages follow each other (each names the next one's marker).
// To overlap the next request with the decoding of a page, the marker is
// first looked for where RMS puts it (page_info, last; see peekMarker) and
// the next page fetched at once; the full decoding of the page has the
// last word: when it names another marker, the page fetched ahead is
// dropped and the right one fetched.
func (c *Client) ListInstances(ctx context.Context, o ListInstancesOptions) ([]Resource, error) {
	limit := o.Limit
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	fetch := func(ctx context.Context, marker string) fetchedPage {
		q := url.Values{"type": {InstanceType}, "limit": {strconv.Itoa(limit)}}
		if o.Region != "" {
			q.Set("region_id", o.Region)
		}
		if o.Name != "" {
			q.Set("name", o.Name)
		}
		if o.ID != "" {
			q.Set("id", o.ID)
		}
		if marker != "" {
			q.Set("marker", marker)
		}
		op := &Op{Name: "list instances", Call: service.ListInstances, Path: service.ListInstances.PathOf(), Query: q, Scope: auth.ScopeDomain}
		resp, err := c.Do(ctx, op, Idempotent)
		return fetchedPage{marker, op, resp, err}
	}
	var out []Resource
	pages := newPager(RMS, "list instances", MaxRMSPages)
	pages.next("")
	cur := fetch(ctx, "")
	for page := 0; ; page++ {
		if cur.err != nil {
			return nil, cur.err
		}
		// Bounded before it is decoded: RMS was asked for limit entries.
		if err := checkEntries(RMS, cur.op.Name, cur.resp.Body, "resources", limit); err != nil {
			return nil, err
		}
		var ahead *prefetch
		if m, ok := peekMarker(cur.resp.Body); ok && m != "" && !pages.seen[m] && page+1 < MaxRMSPages {
			ahead = startPrefetch(ctx, m, fetch)
		}
		var p ListResourcesPage
		if err := c.decodeAnswer(cur.op, Idempotent, cur.resp, &p); err != nil {
			ahead.drop()
			return nil, err
		}
		if out == nil && p.PageInfo.NextMarker != nil && *p.PageInfo.NextMarker != "" {
			out = make([]Resource, 0, 4*len(p.Resources)) // more pages follow
		}
		out = append(out, p.Resources...)
		c.warnSkipped(cur.op, p.Skipped)
		next := ""
		if p.PageInfo.NextMarker != nil {
			next = *p.PageInfo.NextMarker
		}
		if next == "" {
			ahead.drop()
			return inRegion(out, o.Region), nil
		}
		if err := pages.next(next); err != nil {
			ahead.drop()
			return nil, err
		}
		switch {
		case ahead != nil && ahead.marker == next:
			cur = <-ahead.done
		default:
			ahead.drop()
			cur = fetch(ctx, next)
		}
	}
}

// fetchedPage is one page's answer.
type fetchedPage struct {
	marker string
	op     *Op
	resp   *Response
	err    error
}

// prefetch is a page being fetched ahead.
type prefetch struct {
	marker string
	cancel context.CancelFunc
	done   chan fetchedPage
}

func startPrefetch(ctx context.Context, marker string, fetch func(context.Context, string) fetchedPage) *prefetch {
	ctx, cancel := context.WithCancel(ctx)
	p := &prefetch{marker: marker, cancel: cancel, done: make(chan fetchedPage, 1)}
	go func() {
		defer cancel()
		p.done <- fetch(ctx, marker)
	}()
	return p
}

// drop abandons a page fetched ahead (a read: nothing to undo) and waits
// for it, so nothing outlives ListInstances. A nil prefetch does nothing.
func (p *prefetch) drop() {
	if p == nil {
		return
	}
	p.cancel()
	<-p.done
}

// peekMarker finds page_info.next_marker without decoding the page: RMS
// (and LIFECYCLE.md's example) put page_info after the resources, so it is
// the last "page_info" in the body. ok is false when it is not found that
// way; a wrong guess only costs a request, since the page's full decoding
// decides.
func peekMarker(body []byte) (marker string, ok bool) {
	i := bytes.LastIndex(body, []byte(`"page_info"`))
	if i <= 0 || body[i-1] == '\\' {
		return "", false
	}
	rest := bytes.TrimLeft(body[i+len(`"page_info"`):], " \t\r\n")
	if len(rest) == 0 || rest[0] != ':' {
		return "", false
	}
	var info struct {
		NextMarker *string `json:"next_marker"`
	}
	if err := json.NewDecoder(bytes.NewReader(rest[1:])).Decode(&info); err != nil {
		return "", false
	}
	if info.NextMarker == nil {
		return "", true
	}
	return *info.NextMarker, true
}

// inRegion keeps the entries of region ("" keeps all): RMS is asked for
// one region, but what it answers about another must never be acted on
// as if it were there (`instance delete web --region R` must not find a
// "web" of another region). Every listing goes through here, so every
// command resolves within the region asked for, as `instance list` shows.
func inRegion(rs []Resource, region string) []Resource {
	if region == "" {
		return rs
	}
	out := rs[:0]
	for _, r := range rs {
		if r.RegionID == region {
			out = append(out, r)
		}
	}
	return out
}
