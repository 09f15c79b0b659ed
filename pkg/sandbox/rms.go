package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// pathRMSPrefix is Config's ListAllResources path up to {domain_id}.
const pathRMSPrefix = "/v1/resource-manager/domains/"

// FlexusL's RMS resource type (LIFECYCLE.md §2).
const rmsType = "hcss.l-instance"

// logical_resource_type names of the resources inside a package. The ECS,
// EIP and data package names are documented (LIFECYCLE.md §2); the disk,
// backup vault and HSS names are the sandbox's guesses.
const (
	lrtECS     = "huaweicloudinternal_ecs_instance"
	lrtEIP     = "huaweicloudinternal_eip"
	lrtTraffic = "huaweicloudinternal_cbc_freeresource"
	lrtEVS     = "huaweicloudinternal_evs_volume"
	lrtCBR     = "huaweicloudinternal_cbr_vault"
	lrtHSS     = "huaweicloudinternal_hss"
)

var extraTypes = map[string]string{"evs": lrtEVS, "cbr": lrtCBR, "hss": lrtHSS}

// Wire types (testdata/wire/rms).
type (
	rmsPage struct {
		Resources []rmsResource `json:"resources"`
		PageInfo  rmsPageInfo   `json:"page_info"`
	}
	rmsPageInfo struct {
		CurrentCount int     `json:"current_count"`
		NextMarker   *string `json:"next_marker"` // null on the last page
	}
	rmsResource struct {
		ID                string            `json:"id"`
		Name              string            `json:"name"`
		Provider          string            `json:"provider"`
		Type              string            `json:"type"`
		RegionID          string            `json:"region_id"`
		ProjectID         string            `json:"project_id"`
		ProjectName       string            `json:"project_name"`
		EpID              string            `json:"ep_id"`
		EpName            string            `json:"ep_name"`
		Checksum          string            `json:"checksum"`
		Created           string            `json:"created"`
		Updated           string            `json:"updated"`
		ProvisioningState string            `json:"provisioning_state"`
		State             string            `json:"state"`
		Tags              map[string]string `json:"tags"`
		Properties        rmsProperties     `json:"properties"`
	}
	rmsProperties struct {
		Status    string            `json:"status"`
		Metadata  map[string]string `json:"metadata"`
		Resources []rmsSubResource  `json:"resources"`
	}
	rmsSubResource struct {
		LogicalResourceType  string         `json:"logical_resource_type"`
		PhysicalResourceID   string         `json:"physical_resource_id"`
		PhysicalResourceName string         `json:"physical_resource_name"`
		ResourceAttributes   []rmsAttribute `json:"resource_attributes,omitempty"`
	}
	rmsAttribute struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}
)

// rmsStatus maps the server's ECS status to properties.status. Only
// RUNNING is documented; STOPPED and REBOOTING are the sandbox's guesses
// (the console shows Stopped and Restarting).
func rmsStatus(ecsStatus string) string {
	switch ecsStatus {
	case "ACTIVE":
		return "RUNNING"
	case "SHUTOFF":
		return "STOPPED"
	case "REBOOT", "HARD_REBOOT":
		return "REBOOTING"
	}
	return ecsStatus
}

// rmsView renders an instance as Config lists it; s.mu is held.
func (s *Server) rmsView(in *instance, now time.Time) rmsResource {
	st := s.serverState(in, now)
	tags := map[string]string{}
	for _, t := range in.Tags {
		tags[t.Key] = t.Value
	}
	subs := []rmsSubResource{
		{LogicalResourceType: lrtECS, PhysicalResourceID: in.Server.ID, PhysicalResourceName: in.Server.Name},
		{LogicalResourceType: lrtEIP, PhysicalResourceID: in.EIPID, PhysicalResourceName: in.Name + "-eip",
			ResourceAttributes: []rmsAttribute{{"public_ip_address", in.PublicIP}}},
		{LogicalResourceType: lrtTraffic, PhysicalResourceID: in.TrafficID, PhysicalResourceName: in.Name + "-traffic"},
	}
	for i, e := range in.Extras {
		subs = append(subs, rmsSubResource{LogicalResourceType: extraTypes[e.Type], PhysicalResourceID: in.ExtraIDs[i], PhysicalResourceName: in.Name + "-" + e.Type})
	}
	updated := in.Updated
	if in.Server.Updated.After(updated) {
		updated = in.Server.Updated
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%s|%s|%s|%d", in.ID, in.Name, st.Status, in.Server.Name, updated.UnixNano())))
	return rmsResource{
		ID: in.ID, Name: in.Name, Provider: "hcss", Type: "l-instance", RegionID: in.Region,
		ProjectID: in.ProjectID, ProjectName: in.Region, EpID: "0", EpName: "default", Checksum: hex.EncodeToString(sum[:]),
		Created: fmtTime(in.VisibleAt, layoutSeconds), Updated: fmtTime(updated, layoutSeconds),
		ProvisioningState: "Succeeded", State: "Normal", Tags: tags,
		Properties: rmsProperties{
			Status:    rmsStatus(st.Status),
			Metadata:  map[string]string{"charging_mode": "prePaid", "order_id": in.OrderID, "resource_spec_code": in.Spec},
			Resources: subs,
		},
	}
}

// Markers are opaque to clients: the base64 of the last listed instance's
// sequence number.
const markerPrefix = "flexusl-sandbox-rms:"

func encodeMarker(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(markerPrefix + strconv.FormatInt(seq, 10)))
}

func decodeMarker(m string) (int64, bool) {
	if len(m) < 4 || len(m) > 400 {
		return 0, false
	}
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil || !strings.HasPrefix(string(b), markerPrefix) {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(string(b), markerPrefix), 10, 64)
	return n, err == nil && n >= 0
}

// listResources is ListAllResources for type hcss.l-instance: the
// provisioned instances in creation order, limit per page (1-200, default
// 100), a marker to the next page, null on the last.
func (s *Server) listResources(c *call) {
	if d := c.r.PathValue("domain_id"); d != s.opts.DomainID {
		c.fail(http.StatusForbidden, "RMS.00010002", fmt.Sprintf("Insufficient permissions: domain_id %s is not this account's", d))
		return
	}
	q := c.r.URL.Query()
	typ := q.Get("type")
	switch {
	case typ == "":
		c.fail(http.StatusBadRequest, "RMS.00010001", "Invalid parameter: type is required (hcss.l-instance for FlexusL instances)")
		return
	case !validRMSType(typ):
		c.fail(http.StatusBadRequest, "RMS.00010001", fmt.Sprintf("Invalid parameter: type %q must be provider.type, e.g. hcss.l-instance", typ))
		return
	}
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			c.fail(http.StatusBadRequest, "RMS.00010001", fmt.Sprintf("Invalid parameter: limit %q must be an integer from 1 to 200", v))
			return
		}
		limit = n
	}
	after := int64(0)
	if v, ok := q["marker"]; ok {
		n, valid := decodeMarker(v[0])
		if !valid {
			c.fail(http.StatusBadRequest, "RMS.00010001", "Invalid parameter: marker is not one this API returned (4 to 400 characters from page_info.next_marker)")
			return
		}
		after = n
	}
	region, name, id := q.Get("region_id"), q.Get("name"), q.Get("id")
	page := rmsPage{Resources: []rmsResource{}}
	s.mu.Lock()
	s.advance(c.now)
	if typ == rmsType {
		for _, in := range s.instSeq {
			if in.Seq <= after || !in.visible(c.now) || region != "" && in.Region != region ||
				name != "" && in.Name != name || id != "" && in.ID != id {
				continue
			}
			if len(page.Resources) == limit {
				m := encodeMarker(page.Resources[limit-1].seq(s))
				page.PageInfo.NextMarker = &m
				break
			}
			page.Resources = append(page.Resources, s.rmsView(in, c.now))
		}
	}
	s.mu.Unlock()
	page.PageInfo.CurrentCount = len(page.Resources)
	c.json(http.StatusOK, page)
}

// seq is the listing position of a rendered resource; s.mu is held.
func (r rmsResource) seq(s *Server) int64 { return s.instances[r.ID].Seq }

func validRMSType(t string) bool {
	p, ty, ok := strings.Cut(t, ".")
	if !ok || p == "" || ty == "" || len(t) > 64 {
		return false
	}
	for _, c := range t {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
