package instance

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/output"
)

// Reader reads what `instance show` shows (api.Client does).
type Reader interface {
	Lister
	ShowServer(ctx context.Context, ref api.ServerRef) (*api.Server, error)
	ListPayPerUseCustomerResources(ctx context.Context, resourceIDs []string) ([]api.Subscription, error)
}

// Detail is one instance as `instance show -o json` prints it: the list
// fields, then the server's status, private IP and flavor (ECS), the
// subscription's effective and expiry times and renewal (BSS), and the
// resources inside the package (RMS). What could not be known is "" (and
// auto_renew null).
type Detail struct {
	View
	ServerName   string `json:"server_name"`
	Description  string `json:"description"`
	Hostname     string `json:"hostname"`
	Image        string `json:"image"`
	ServerStatus string `json:"server_status"`
	PrivateIP    string `json:"private_ip"`
	Flavor       string `json:"flavor"`
	Effective    string `json:"effective"` // Expires is View's
	AutoRenew    *bool  `json:"auto_renew"`
	Resources    []Part `json:"resources"`

	server *api.Server // as ECS answered; nil when not read
}

// Server is the server as ECS answered (nil when it could not be read).
func (d *Detail) Server() *api.Server { return d.server }

// Part is one resource inside an instance's package.
type Part struct {
	Type string `json:"type"` // RMS logical_resource_type
	ID   string `json:"id"`
}

// PartialError says which parts of a Detail could not be read; the rest
// of the Detail is good.
type PartialError struct {
	Server       error // ECS ShowServer
	Subscription error // BSS ListPayPerUseCustomerResources
}

func (e *PartialError) Error() string {
	var parts []string
	if e.Server != nil {
		parts = append(parts, "the server (ECS) could not be read: "+e.Server.Error())
	}
	if e.Subscription != nil {
		parts = append(parts, "the subscription (BSS) could not be read: "+e.Subscription.Error())
	}
	return strings.Join(parts, "; ")
}

// ExitCode is the first part's exit code (3 for a permission error).
func (e *PartialError) ExitCode() int {
	if e.Server != nil {
		return exitcode.Of(e.Server)
	}
	return exitcode.Of(e.Subscription)
}

// Unwrap gives the parts' errors.
func (e *PartialError) Unwrap() []error {
	var out []error
	for _, err := range []error{e.Server, e.Subscription} {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}

// Detailed reads r's server (ECS) and subscription (BSS) at once, and
// returns the whole view. When a part cannot be read the Detail is still
// returned, with that part empty, and a *PartialError. An instance RMS
// lists no server for yet has no server part (not an error); one BSS does
// not know yet (it returns only provisioned resources) has no subscription
// part.
func Detailed(ctx context.Context, rd Reader, r *api.Resource) (*Detail, error) {
	d := &Detail{View: NewView(r), Resources: parts(r)}
	var wg sync.WaitGroup
	var pe PartialError
	if ref := api.ServerOf(r); ref.ServerID != "" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := rd.ShowServer(ctx, ref)
			if err != nil {
				pe.Server = err
				return
			}
			d.server = s
			d.ServerStatus, d.PrivateIP = s.Status, s.PrivateIP()
			d.ServerName, d.Description, d.Hostname = s.Name, s.Description, s.Hostname
			d.Image = s.Metadata["image_name"] // ECS metadata names the image; else its ID
			if d.Image == "" {
				d.Image = s.Image.ID
			}
			d.Flavor = s.Flavor.Name
			if d.Flavor == "" {
				d.Flavor = s.Flavor.ID
			}
			if d.PublicIP == "" {
				d.PublicIP = s.PublicIP() // RMS lists none: the EIP on the server
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		subs, err := rd.ListPayPerUseCustomerResources(ctx, []string{r.ID})
		if err != nil {
			pe.Subscription = err
			return
		}
		for _, s := range subs {
			if s.ResourceID == r.ID {
				auto := s.ExpirePolicy == api.ExpireAutoRenew
				d.Effective, d.Expires, d.AutoRenew = s.EffectiveTime, s.ExpireTime, &auto
				break
			}
		}
	}()
	wg.Wait()
	if pe.Server != nil || pe.Subscription != nil {
		return d, &pe
	}
	return d, nil
}

// IsPartial reports whether err only says part of a Detail is missing.
func IsPartial(err error) bool {
	var pe *PartialError
	return errors.As(err, &pe)
}

func parts(r *api.Resource) []Part {
	out := make([]Part, 0, len(r.Properties.Resources))
	for _, s := range r.Properties.Resources {
		out = append(out, Part{Type: s.LogicalResourceType, ID: s.PhysicalResourceID})
	}
	return out
}

// DetailTable is `instance show`'s table: one field a line, no header.
func DetailTable(d *Detail) (header []string, rows [][]string) {
	auto := "-"
	if d.AutoRenew != nil {
		auto = "off"
		if *d.AutoRenew {
			auto = "on"
		}
	}
	keys := make([]string, 0, len(d.Tags))
	for k := range d.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tags := make([]string, len(keys))
	for i, k := range keys {
		tags[i] = k + "=" + d.Tags[k]
	}
	rows = [][]string{
		{"ID", d.ID}, {"NAME", dash(d.Name)}, {"REGION", dash(d.Region)}, {"STATUS", dash(d.Status)}, {"SPEC", dash(d.Spec)},
		{"IMAGE", dash(d.Image)}, {"SERVER NAME", dash(d.ServerName)}, {"HOSTNAME", dash(d.Hostname)}, {"DESCRIPTION", dash(d.Description)},
		{"SERVER STATUS", dash(d.ServerStatus)}, {"PUBLIC IP", dash(d.PublicIP)}, {"PRIVATE IP", dash(d.PrivateIP)},
		{"FLAVOR", dash(d.Flavor)}, {"SERVER ID", dash(d.ServerID)}, {"ORDER ID", dash(d.OrderID)},
		{"CHARGING MODE", dash(d.ChargingMode)}, {"CREATED", output.TableTimeString(d.Created)}, {"EFFECTIVE", output.TableTimeString(d.Effective)},
		{"EXPIRES", output.TableTimeString(d.Expires)}, {"AUTO RENEW", auto}, {"TAGS", dash(strings.Join(tags, ", "))},
	}
	for i, p := range d.Resources {
		k := ""
		if i == 0 {
			k = "RESOURCES"
		}
		rows = append(rows, []string{k, p.Type + " " + p.ID})
	}
	if len(d.Resources) == 0 {
		rows = append(rows, []string{"RESOURCES", "-"})
	}
	return nil, rows
}
