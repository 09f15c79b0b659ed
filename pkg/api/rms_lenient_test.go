package api

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// RMS's untyped properties: odd values where text is read are read as
// text or left out; entries that cannot be read are skipped and named.
func TestRMSUntypedProperties(t *testing.T) {
	var p ListResourcesPage
	if err := DecodeJSON(wire(t, "rms/list-all-resources.untyped.response.json"), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Resources) != 2 || p.PageInfo.CurrentCount != 4 {
		t.Fatalf("%d entries: %+v", len(p.Resources), p)
	}
	a := p.Resources[0]
	if a.ID != "6743d0e3708be6007b8c8012" || a.OrderID() != "CS2411251851XXXXX" || a.Properties.Metadata["cpu"] != "2" ||
		a.PublicIP() != "203.0.113.7" || a.ServerID() != "72a270de-665a-4f46-8d64-24ad6edccdd1" || a.Properties.Status != "RUNNING" {
		t.Errorf("%+v", a)
	}
	if _, ok := a.Properties.Metadata["extend"]; ok {
		t.Errorf("an object kept as text: %q", a.Properties.Metadata["extend"])
	}
	attrs := a.Properties.Resources[1].ResourceAttributes
	if len(attrs) != 3 || attrs[1] != (KeyValuePair{Key: "bandwidth"}) || attrs[2] != (KeyValuePair{Key: "ip_version", Value: "4"}) {
		t.Errorf("attributes %+v", attrs)
	}
	c := p.Resources[1]
	if c.ID != "6743d0e3708be6007b8c8014" || len(c.Properties.Metadata) != 0 || c.Tags["env"] != "prod" || c.Tags["tier"] != "2" ||
		c.ServerID() != "72a270de-665a-4f46-8d64-24ad6edccdd3" {
		t.Errorf("%+v", c)
	}
	if len(p.Skipped) != 2 || p.Skipped[0].ID != "6743d0e3708be6007b8c8013" || p.Skipped[1].ID != "12345" || p.Skipped[0].Err == nil {
		t.Errorf("skipped %+v", p.Skipped)
	}
}

// Every text field of properties, whatever the JSON type.
func TestRMSLooseText(t *testing.T) {
	tests := []struct {
		json, want string
		ok         bool
	}{
		{`"a"`, "a", true}, {`12`, "12", true}, {`-1.5e3`, "-1.5e3", true}, {`true`, "true", true}, {`false`, "false", true},
		{`null`, "", false}, {`{"a":1}`, "", false}, {`[1]`, "", false}, {``, "", false},
	}
	for _, tt := range tests {
		if s, ok := looseText([]byte(tt.json)); s != tt.want || ok != tt.ok {
			t.Errorf("%s: %q %v", tt.json, s, ok)
		}
	}
	for _, in := range []string{`{"status":7,"metadata":{"order_id":1}}`, `{"status":{},"metadata":[]}`, `{"metadata":null}`, `{"metadata":"x","resources":[]}`} {
		var p ResourceProperties
		if err := DecodeJSON([]byte(in), &p); err != nil {
			t.Errorf("%s: %v", in, err)
		}
	}
	// What is not an object where an object or list is needed still fails
	// the entry (and only the entry).
	for _, in := range []string{`"x"`, `{"resources":"x"}`, `{"resources":[{"resource_attributes":{}}]}`} {
		var p ResourceProperties
		if err := DecodeJSON([]byte(in), &p); err == nil {
			t.Errorf("%s: read as %+v", in, p)
		}
	}
}

// ListInstances returns the readable entries and warns (Notify: stderr)
// about each one left out, naming its ID; the listing does not fail.
func TestListInstancesSkipsOddEntries(t *testing.T) {
	page := wire(t, "rms/list-all-resources.untyped.response.json")
	srv, _ := counting(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.Write(page) })
	c, _ := newClient(srv.URL, nil)
	c.Endpoints[RMS], c.DomainID = srv.URL, "dom"
	var mu sync.Mutex
	var warnings []string
	c.Notify = func(m string) { mu.Lock(); warnings = append(warnings, m); mu.Unlock() }
	rs, err := c.ListInstances(context.Background(), ListInstancesOptions{})
	if err != nil || len(rs) != 2 || rs[0].ID != "6743d0e3708be6007b8c8012" || rs[1].ID != "6743d0e3708be6007b8c8014" {
		t.Fatalf("%+v %v", rs, err)
	}
	if len(warnings) != 2 || !strings.Contains(warnings[0], "RMS entry 6743d0e3708be6007b8c8013 left out") ||
		!strings.Contains(warnings[1], "RMS entry 12345 left out") || !strings.HasPrefix(warnings[0], "list instances: ") {
		t.Errorf("warnings %q", warnings)
	}
}
