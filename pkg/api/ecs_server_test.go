package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readWire reads a documented example typed into testdata/wire.
func readWire(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "wire", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// FlexusL's UpdateServer example (FL-mod) prints the address version as a
// number, and carries the hostname.
const serverFLModExample = `{"server":{"id":"72a270de-665a-4f46-8d64-24ad6edccdd1","name":"web-1a","status":"ACTIVE",
 "OS-EXT-SRV-ATTR:hostname":"web-1a","OS-EXT-STS:power_state":1,
 "addresses":{"24bbb54c-8e3a-4a0e-9c7e-7c0b2a7f1d11":[
   {"version":4,"addr":"192.168.0.16","OS-EXT-IPS:type":"fixed","OS-EXT-IPS-MAC:mac_addr":"fa:16:3e:00:00:01","primary":true}]},
 "metadata":{"charging_mode":"1"},"updated":"2024-09-14T01:02:03Z"}}`

func TestServerDecodesDocumentedExample(t *testing.T) {
	data := readWire(t, "ecs/show-server.response.json")
	var r ShowServerResponse
	if err := DecodeJSON(data, &r); err != nil {
		t.Fatal(err)
	}
	s := r.Server
	if s.ID != "72a270de-665a-4f46-8d64-24ad6edccdd1" || s.Name != "web-1" || s.Status != "ACTIVE" || s.VMState != "active" || s.Locked ||
		s.PowerState != 1 || s.Flavor.VCPUs != "2" || s.Flavor.RAM != "2048" || s.Flavor.Disk != "0" || s.Flavor.Name != "hf.large.1.30m.linux" ||
		s.Metadata["metering.order_id"] != "CS2411251851XXXXX" || s.Created != "2024-09-13T07:30:25Z" || s.Hostname != "web-1" ||
		s.AvailabilityZone != "ap-southeast-3a" || s.Image.ID == "" || s.TenantID == "" || s.EnterpriseProjectID != "0" ||
		len(s.Tags) != 1 || s.Tags[0] != "env=prod" || s.Updated == "" {
		t.Errorf("%+v", s)
	}
	addrs := s.Addresses["24bbb54c-7a1d-4c3e-9f0b-2d6e8a1c5b7f"]
	if len(addrs) != 2 || addrs[0].Version != 4 || addrs[0].Type != AddressFixed || !addrs[0].Primary || addrs[0].MACAddr == "" ||
		addrs[1].Type != AddressFloating || addrs[1].PortID == "" {
		t.Errorf("addresses %+v", addrs)
	}
	if s.PrivateIP() != "192.168.0.16" || s.PublicIP() != "203.0.113.7" {
		t.Errorf("private %q public %q", s.PrivateIP(), s.PublicIP())
	}
}

// Every key of the documented examples has a field: a misspelt JSON tag
// fails here.
func TestServerCoversDocumentedKeys(t *testing.T) {
	for _, name := range []string{"ecs/show-server.response.json", "ecs/update-server.response.json"} {
		dec := json.NewDecoder(bytes.NewReader(readWire(t, name)))
		dec.DisallowUnknownFields()
		var r ShowServerResponse
		if err := dec.Decode(&r); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestServerDecodesNumericVersion(t *testing.T) {
	var r ShowServerResponse
	if err := DecodeJSON([]byte(serverFLModExample), &r); err != nil {
		t.Fatal(err)
	}
	s := r.Server
	a := s.Addresses["24bbb54c-8e3a-4a0e-9c7e-7c0b2a7f1d11"][0]
	if a.Version != 4 || !a.Primary || a.MACAddr != "fa:16:3e:00:00:01" || s.Hostname != "web-1a" || s.PowerState != 1 {
		t.Errorf("%+v %+v", s, a)
	}
	if s.PrivateIP() != "192.168.0.16" || s.PublicIP() != "" {
		t.Errorf("private %q public %q", s.PrivateIP(), s.PublicIP())
	}
}

// IPv4 before IPv6, and the same answer whatever the map order.
func TestServerAddressChoice(t *testing.T) {
	s := Server{Addresses: map[string][]ServerAddress{
		"b-net": {{Version: 4, Addr: "203.0.113.9", Type: AddressFloating}},
		"a-net": {{Version: 6, Addr: "2001:db8::1", Type: AddressFloating}, {Version: 4, Addr: "10.0.0.2", Type: AddressFixed}},
	}}
	for i := 0; i < 20; i++ {
		if s.PublicIP() != "203.0.113.9" || s.PrivateIP() != "10.0.0.2" {
			t.Fatalf("public %q private %q", s.PublicIP(), s.PrivateIP())
		}
	}
	s = Server{Addresses: map[string][]ServerAddress{"n": {{Version: 6, Addr: "2001:db8::1", Type: AddressFloating}}}}
	if s.PublicIP() != "2001:db8::1" {
		t.Errorf("v6 only: %q", s.PublicIP())
	}
}

// The exact request: GET on the region's ECS host, the project from RMS in
// the path, no body; a server ID that is not one is not sent.
func TestShowServerRequest(t *testing.T) {
	var got []string
	example := readWire(t, "ecs/show-server.response.json")
	srv, _ := counting(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		got = append(got, fmt.Sprintf("%s %s %s len=%d", r.Method, r.Host, r.URL.EscapedPath(), r.ContentLength))
		w.Write(example)
	})
	c, _ := newClient(srv.URL, nil)
	host := strings.TrimPrefix(srv.URL, "http://")
	c.Endpoints[ECS] = "http://{region}.ecs.test"
	c.HTTP.Transport = dialOnly(host)
	s, err := c.ShowServer(context.Background(), ServerRef{Region: "ap-southeast-3", ProjectID: "067cf8ae", ServerID: "72a270de-665a-4f46-8d64-24ad6edccdd1"})
	if err != nil || s.Status != "ACTIVE" {
		t.Fatalf("%+v %v", s, err)
	}
	want := "GET ap-southeast-3.ecs.test /v1/067cf8ae/cloudservers/72a270de-665a-4f46-8d64-24ad6edccdd1 len=0"
	if len(got) != 1 || got[0] != want {
		t.Errorf("requests %q, want %q", got, want)
	}

	// A server ID from RMS that is not an ID goes into no path.
	got = nil
	if _, err := c.ShowServer(context.Background(), ServerRef{Region: "r", ProjectID: "p", ServerID: "a/b"}); err == nil || len(got) != 0 {
		t.Errorf("sent %q: %v", got, err)
	}
}

// Not found is Huawei's ECS error (Ecs.0114, exit 1); 5xx are retried
// (a read); nothing is sent without a server ID or region.
func TestShowServerErrors(t *testing.T) {
	example := readWire(t, "ecs/show-server.response.json")
	srv, n := counting(t, func(try int, w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/gone"):
			w.WriteHeader(404)
			fmt.Fprint(w, `{"error":{"message":"Instance[gone] could not be found.","code":"Ecs.0114"}}`)
		case try == 2:
			w.WriteHeader(503)
		default:
			w.Write(example)
		}
	})
	c, _ := newClient(srv.URL, nil)
	c.Endpoints[ECS] = srv.URL
	_, err := c.ShowServer(context.Background(), ServerRef{Region: "r", ProjectID: "p", ServerID: "gone"})
	var e *Error
	if !errors.As(err, &e) || e.Code != "Ecs.0114" || e.StatusCode != 404 || e.ExitCode() != 1 || !strings.Contains(err.Error(), "show server gone") {
		t.Fatalf("%v", err)
	}
	if _, err := c.ShowServer(context.Background(), ServerRef{Region: "r", ProjectID: "p", ServerID: "72a270de-665a-4f46-8d64-24ad6edccdd1"}); err != nil || n.Load() != 3 {
		t.Errorf("503 not retried: %v after %d", err, n.Load())
	}
	before := n.Load()
	if _, err := c.ShowServer(context.Background(), ServerRef{Region: "r", ProjectID: "p"}); err == nil {
		t.Error("no server ID accepted")
	}
	if _, err := c.ShowServer(context.Background(), ServerRef{ProjectID: "p", ServerID: "s"}); err == nil {
		t.Error("no region accepted")
	}
	if n.Load() != before {
		t.Error("sent without a server ID or region")
	}
}

// dialOnly is a transport that connects to addr whatever the URL's host
// (the Host header keeps the URL's).
func dialOnly(addr string) http.RoundTripper {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	return tr
}

func TestServerOf(t *testing.T) {
	var p ListResourcesPage
	if err := DecodeJSON(wire(t, "rms/list-all-resources.response.json"), &p); err != nil {
		t.Fatal(err)
	}
	ref := ServerOf(&p.Resources[0])
	if ref != (ServerRef{Region: "ap-southeast-3", ProjectID: p.Resources[0].ProjectID, ServerID: "72a270de-665a-4f46-8d64-24ad6edccdd1"}) {
		t.Errorf("%+v", ref)
	}
}
