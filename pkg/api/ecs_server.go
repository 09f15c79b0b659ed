package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/flexusl/flexusl/pkg/auth"
)

// ServerPath is ECS ShowServer and UpdateServer (LIFECYCLE §3, §4); the
// server ID follows.
const ServerPath = "/v1/{project_id}/cloudservers/"

// ECS address types (OS-EXT-IPS:type).
const (
	AddressFixed    = "fixed"    // private
	AddressFloating = "floating" // EIP: public
)

// Server is an ECS server (ShowServer's and UpdateServer's "server",
// LIFECYCLE §3, the SDK's ServerDetail). Fields a source gives as a number
// in one place and a string in another are read either way.
type Server struct {
	ID                  string                     `json:"id"`
	Name                string                     `json:"name"`
	Description         string                     `json:"description"`
	Status              string                     `json:"status"` // ACTIVE, SHUTOFF, BUILD, REBOOT, ...
	VMState             string                     `json:"OS-EXT-STS:vm_state"`
	TaskState           string                     `json:"OS-EXT-STS:task_state"`
	PowerState          Int                        `json:"OS-EXT-STS:power_state"`
	Addresses           map[string][]ServerAddress `json:"addresses"` // network ID -> addresses
	Flavor              ServerFlavor               `json:"flavor"`
	Image               ServerImage                `json:"image"`
	Metadata            map[string]string          `json:"metadata"`
	Hostname            string                     `json:"OS-EXT-SRV-ATTR:hostname"`
	AvailabilityZone    string                     `json:"OS-EXT-AZ:availability_zone"`
	KeyName             string                     `json:"key_name"`
	TenantID            string                     `json:"tenant_id"`
	EnterpriseProjectID string                     `json:"enterprise_project_id"`
	Created             string                     `json:"created"`
	Updated             string                     `json:"updated"`
	Locked              bool                       `json:"locked"`
	Tags                []string                   `json:"tags"` // "key=value"
	// SecurityGroups are the groups (the firewall) attached to the server.
	SecurityGroups []ServerSecurityGroup `json:"security_groups"`
}

// ServerAddress is one address of a server. Version is "4" in the ECS
// pages and 4 in FlexusL's UpdateServer example: both are read.
type ServerAddress struct {
	Version Int    `json:"version"`
	Addr    string `json:"addr"`
	Type    string `json:"OS-EXT-IPS:type"` // fixed (private) or floating (EIP)
	MACAddr string `json:"OS-EXT-IPS-MAC:mac_addr"`
	PortID  string `json:"OS-EXT-IPS:port_id"`
	Primary bool   `json:"primary"`
}

// ServerImage is the image a server was built from.
type ServerImage struct {
	ID string `json:"id"`
}

// ServerFlavor is a server's flavor; ECS gives the figures as strings.
type ServerFlavor struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	VCPUs string `json:"vcpus"`
	RAM   string `json:"ram"` // MiB
	Disk  string `json:"disk"`
}

// addr is the first address of type t, IPv4 before IPv6, in network ID
// order so the answer is the same every time.
func (s *Server) addr(t string) string {
	nets := make([]string, 0, len(s.Addresses))
	for n := range s.Addresses {
		nets = append(nets, n)
	}
	slices.Sort(nets)
	var v6 string
	for _, n := range nets {
		for _, a := range s.Addresses[n] {
			if a.Type != t || a.Addr == "" {
				continue
			}
			if a.Version != 6 {
				return a.Addr
			}
			if v6 == "" {
				v6 = a.Addr
			}
		}
	}
	return v6
}

// PrivateIP is the server's first fixed (private) address ("" when none).
func (s *Server) PrivateIP() string { return s.addr(AddressFixed) }

// PublicIP is the server's first floating (EIP) address ("" when none).
func (s *Server) PublicIP() string { return s.addr(AddressFloating) }

// ShowServerResponse is ShowServer's answer.
type ShowServerResponse struct {
	Server Server `json:"server"`
}

// ServerRef says where a server is: its region and that region's project
// ID (RMS gives both: RegionID and ProjectID of the instance).
type ServerRef struct {
	Region    string
	ProjectID string // "" looks it up through IAM
	ServerID  string
}

// ServerOf is where the server of an RMS instance entry is ("" ServerID
// while RMS lists no server yet).
func ServerOf(r *Resource) ServerRef {
	return ServerRef{Region: r.RegionID, ProjectID: r.ProjectID, ServerID: r.ServerID()}
}

// ShowServer reads a server (ECS ShowServer, a read). A server that does
// not exist in that region is an *Error with code Ecs.0114 (HTTP 404).
func (c *Client) ShowServer(ctx context.Context, ref ServerRef) (*Server, error) {
	if ref.ServerID == "" {
		return nil, errors.New("show server: no server ID (RMS lists no server for this instance yet)")
	}
	if ref.Region == "" {
		return nil, errors.New("show server " + ref.ServerID + ": no region given")
	}
	if err := checkPathID("server ID", ref.ServerID); err != nil {
		return nil, fmt.Errorf("show server: %w (nothing was sent)", err) // it comes from RMS
	}
	op := &Op{Name: "show server " + ref.ServerID, Service: ECS, Method: http.MethodGet, Path: ServerPath + url.PathEscape(ref.ServerID),
		Scope: auth.ScopeProject, Region: ref.Region, ProjectID: ref.ProjectID}
	var out ShowServerResponse
	if _, err := c.DoJSON(ctx, op, Idempotent, &out); err != nil {
		return nil, err
	}
	return &out.Server, nil
}
