package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/service"
)

// ECS address types (OS-EXT-IPS:type).
const (
	AddressFixed    = "fixed"    // private
	AddressFloating = "floating" // EIP: public
)

// Server is an ECS server (ShowServer's and UpdateServer's "server",
// LIFECYCLE §3, §4: the SDK's ServerDetail and UpdateServerResult). Fields
// a source gives as a number in one place and a string in another are read
// either way; so is the image, an object in ShowServer and its ID alone in
// UpdateServer.
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

	// Read but not used; named so that a misspelt tag shows in the tests
	// that decode the SDK-shaped examples strictly.
	HostID          string                `json:"hostId"`
	Host            string                `json:"OS-EXT-SRV-ATTR:host"`
	InstanceName    string                `json:"OS-EXT-SRV-ATTR:instance_name"`
	HypervisorHost  string                `json:"OS-EXT-SRV-ATTR:hypervisor_hostname"`
	LaunchIndex     Int                   `json:"OS-EXT-SRV-ATTR:launch_index"`
	KernelID        string                `json:"OS-EXT-SRV-ATTR:kernel_id"`
	RamdiskID       string                `json:"OS-EXT-SRV-ATTR:ramdisk_id"`
	RootDeviceName  string                `json:"OS-EXT-SRV-ATTR:root_device_name"`
	UserID          string                `json:"user_id"`
	AccessIPv4      string                `json:"accessIPv4"`
	AccessIPv6      string                `json:"accessIPv6"`
	ConfigDrive     string                `json:"config_drive"`
	DiskConfig      string                `json:"OS-DCF:diskConfig"`
	LaunchedAt      string                `json:"OS-SRV-USG:launched_at"`
	TerminatedAt    string                `json:"OS-SRV-USG:terminated_at"`
	HostStatus      string                `json:"host_status"`
	Progress        Int                   `json:"progress"`
	Links           []ServerLink          `json:"links"`
	SecurityGroups  []ServerSecurityGroup `json:"security_groups"` // the groups (the firewall) attached to the server
	VolumesAttached []ServerVolume        `json:"os-extended-volumes:volumes_attached"`
}

// ServerLink is a link of a server or flavor (the SDK's Link).
type ServerLink struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
}

// ServerVolume is a disk attached to a server.
type ServerVolume struct {
	ID                  string `json:"id"`
	DeleteOnTermination string `json:"delete_on_termination"`
	BootIndex           string `json:"bootIndex"`
	Device              string `json:"device"`
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

// ServerImage is the image a server was built from. ShowServer gives
// {"id": ...}; UpdateServer gives the ID as a string (the SDK's
// UpdateServerResult.Image): both are read.
type ServerImage struct {
	ID string `json:"id"`
}

// UnmarshalJSON reads {"id": "..."}, "..." or null.
func (i *ServerImage) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &i.ID)
	}
	type plain ServerImage
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*i = ServerImage(p)
	return nil
}

// ServerFlavor is a server's flavor; ECS gives the figures as strings.
type ServerFlavor struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	VCPUs string `json:"vcpus"`
	RAM   string `json:"ram"` // MiB
	Disk  string `json:"disk"`
	// Links come in UpdateServer's flavor (the SDK's SimpleFlavor).
	Links []ServerLink `json:"links"`
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
	op := &Op{Name: "show server " + ref.ServerID, Call: service.ShowServer, Path: service.ShowServer.PathOf(ref.ServerID),
		Scope: auth.ScopeProject, Region: ref.Region, ProjectID: ref.ProjectID}
	var out ShowServerResponse
	if _, err := c.DoJSON(ctx, op, Idempotent, &out); err != nil {
		return nil, err
	}
	if out.Server.ID != ref.ServerID {
		// Another server's address or groups would send ssh, or a firewall
		// change, to the wrong machine.
		return nil, fmt.Errorf("%s: ECS was asked about server %s but answered about server %q: not using that answer", op.Name, ref.ServerID, out.Server.ID)
	}
	return &out.Server, nil
}
