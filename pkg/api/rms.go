package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/flexusl/flexusl/pkg/auth"
)

// RMSResourcesPath is Config (RMS) ListAllResources.
const RMSResourcesPath = "/v1/resource-manager/domains/{domain_id}/all-resources"

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
}

// ListInstancesOptions filter ListInstances.
type ListInstancesOptions struct {
	Region string // "" = every region
	Name   string // RMS name filter
	ID     string // exact instance ID
	Limit  int    // page size, 1-200; 0 = 200
}

// MaxRMSPages bounds a listing (200 a page: 200,000 instances).
const MaxRMSPages = 1000

// ListInstances reads every page of RMS ListAllResources for FlexusL
// instances. Pages follow each other (each names the next one's marker),
// so while one page is decoded the next is already being fetched: the
// marker is read first, then the full decoding of the page overlaps the
// next request.
func (c *Client) ListInstances(ctx context.Context, o ListInstancesOptions) ([]Resource, error) {
	limit := o.Limit
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fetch := func(marker string) (*Op, *Response, error) {
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
		op := &Op{Name: "list instances", Service: RMS, Method: http.MethodGet, Path: RMSResourcesPath, Query: q, Scope: auth.ScopeDomain}
		resp, err := c.Do(ctx, op, Idempotent)
		return op, resp, err
	}
	type fetched struct {
		op   *Op
		resp *Response
		err  error
	}
	var out []Resource
	marker := ""
	op, resp, err := fetch("")
	for page := 0; ; page++ {
		if err != nil {
			return nil, err
		}
		var info struct {
			PageInfo struct {
				NextMarker *string `json:"next_marker"`
			} `json:"page_info"`
		}
		if err := c.decodeAnswer(op, Idempotent, resp, &info); err != nil {
			return nil, err
		}
		next := ""
		if info.PageInfo.NextMarker != nil {
			next = *info.PageInfo.NextMarker
		}
		if next != "" && (next == marker || page+1 >= MaxRMSPages) {
			return nil, &TransientError{Op: op.Name, Cause: fmt.Errorf("%s: RMS keeps answering with more pages (marker %q); stopped after %d", op.Name, capText(next), page+1)}
		}
		var ahead chan fetched
		if next != "" {
			ahead = make(chan fetched, 1)
			go func() {
				op, resp, err := fetch(next)
				ahead <- fetched{op, resp, err}
			}()
		}
		var p ListResourcesPage
		if err := c.decodeAnswer(op, Idempotent, resp, &p); err != nil {
			if ahead != nil { // nothing outlives the call
				cancel()
				<-ahead
			}
			return nil, err
		}
		out = append(out, p.Resources...)
		if ahead == nil {
			return out, nil
		}
		marker = next
		f := <-ahead
		op, resp, err = f.op, f.resp, f.err
	}
}
