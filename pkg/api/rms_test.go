package api

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// wire reads a documented example typed into testdata/wire (LIFECYCLE.md,
// NOTES.md): what the services send, not what our encoder makes.
func wire(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "wire", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRMSDecodesDocumentedExample(t *testing.T) {
	var p ListResourcesPage
	if err := DecodeJSON(wire(t, "rms/list-all-resources.response.json"), &p); err != nil {
		t.Fatal(err)
	}
	r := p.Resources[0]
	if r.ID != "6743d0e3708be6007b8c8012" || r.Name != "web-1" || r.RegionID != "ap-southeast-3" || r.Properties.Status != "RUNNING" ||
		r.ServerID() != "72a270de-665a-4f46-8d64-24ad6edccdd1" || r.PublicIP() != "203.0.113.7" ||
		r.FreeResourceID() != "828e2c7c-3c8c-45a2-bebc-98cb3e77d06e" || r.OrderID() != "CS2411251851XXXXX" ||
		r.ChargingMode() != "prePaid" || r.Created != "2024-11-25T10:51:12Z" || r.ProjectID == "" || p.PageInfo.NextMarker != nil {
		t.Errorf("%+v", r)
	}
}

// Every page is read, following next_marker, with the documented query;
// entries of another region than the one asked for are dropped.
func TestListInstancesPages(t *testing.T) {
	var queries []string
	srv, _ := counting(t, func(n int, w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.Path+"?"+r.URL.RawQuery)
		next := fmt.Sprintf(`"m%04d"`, n)
		if n == 3 {
			next = "null"
		}
		fmt.Fprintf(w, `{"resources":[{"id":"%024d","name":"n%d","region_id":"tr-west-1"},{"id":"x%d","region_id":"ap-southeast-3"}],"page_info":{"current_count":2,"next_marker":%s}}`, n, n, n, next)
	})
	c, _ := newClient(srv.URL, nil)
	c.Endpoints[RMS], c.DomainID = srv.URL, "dom"
	rs, err := c.ListInstances(context.Background(), ListInstancesOptions{Region: "tr-west-1"})
	if err != nil || len(rs) != 3 || rs[2].Name != "n3" {
		t.Fatalf("%v %v", rs, err)
	}
	want := []string{
		"/v1/resource-manager/domains/dom/all-resources?limit=200&region_id=tr-west-1&type=hcss.l-instance",
		"/v1/resource-manager/domains/dom/all-resources?limit=200&marker=m0001&region_id=tr-west-1&type=hcss.l-instance",
		"/v1/resource-manager/domains/dom/all-resources?limit=200&marker=m0002&region_id=tr-west-1&type=hcss.l-instance",
	}
	if strings.Join(queries, "\n") != strings.Join(want, "\n") {
		t.Errorf("queries:\n%s", strings.Join(queries, "\n"))
	}
}

// A server that repeats its marker cannot keep the listing going forever.
func TestListInstancesStuckMarker(t *testing.T) {
	srv, n := counting(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"resources":[],"page_info":{"next_marker":"same"}}`)
	})
	c, _ := newClient(srv.URL, nil)
	c.Endpoints[RMS], c.DomainID = srv.URL, "dom"
	if _, err := c.ListInstances(context.Background(), ListInstancesOptions{}); err == nil || n.Load() != 2 {
		t.Errorf("%v after %d pages", err, n.Load())
	}
}

// The next page is fetched while a page is decoded; a page that cannot be
// decoded still ends the listing as a transient error (a waiter keeps
// waiting), whatever the page fetched ahead says.
func TestListInstancesUndecodablePage(t *testing.T) {
	srv, _ := counting(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			// resources is not a list (one entry that cannot be read is
			// only left out: TestListInstancesSkipsOddEntries).
			fmt.Fprint(w, `{"resources":{"id":5},"page_info":{"current_count":1,"next_marker":"m0001"}}`)
			return
		}
		fmt.Fprint(w, `{"resources":[],"page_info":{"next_marker":null}}`)
	})
	c, _ := newClient(srv.URL, nil)
	c.Endpoints[RMS], c.DomainID = srv.URL, "dom"
	rs, err := c.ListInstances(context.Background(), ListInstancesOptions{})
	if rs != nil || !IsTransient(err) || !strings.Contains(err.Error(), "list instances: HTTP 200 with an unreadable answer") {
		t.Errorf("%v %v", rs, err)
	}
	// A failure on a page fetched ahead is that page's error.
	srv2, n2 := counting(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			fmt.Fprint(w, `{"resources":[{"id":"a"}],"page_info":{"next_marker":"m0001"}}`)
			return
		}
		w.WriteHeader(403)
		fmt.Fprint(w, `{"error_code":"RMS.00010002","error_msg":"denied"}`)
	})
	c.Endpoints[RMS] = srv2.URL
	if _, err := c.ListInstances(context.Background(), ListInstancesOptions{}); err == nil || !strings.Contains(err.Error(), "HTTP 403 RMS.00010002") || n2.Load() != 2 {
		t.Errorf("%v after %d", err, n2.Load())
	}
}

func TestPeekMarker(t *testing.T) {
	tests := []struct {
		body, marker string
		ok           bool
	}{
		{`{"resources":[],"page_info":{"current_count":0,"next_marker":"m1"}}`, "m1", true},
		{`{"resources":[],"page_info" : {"next_marker":null}}`, "", true},
		{`{"resources":[],"page_info":{}}`, "", true},
		{`{"page_info":{"next_marker":"m2"},"resources":[{"id":"a"}]}`, "m2", true},
		{`{"page_info":{"next_marker":"m2"},"resources":[{"name":"page_info"}]}`, "", false}, // not found that way: no fetch ahead
		{`{"resources":[{"tags":{"k":"\"page_info\":{\"next_marker\":\"x\"}"}}]}`, "", false},
		{`{"resources":[{"tags":{"page_info":"v"}}]}`, "", false},
		{`{"resources":[]}`, "", false},
		{`"page_info"`, "", false},
		{`{"page_info":`, "", false},
	}
	for _, tt := range tests {
		m, ok := peekMarker([]byte(tt.body))
		if m != tt.marker || ok != tt.ok {
			t.Errorf("%s: %q %v", tt.body, m, ok)
		}
	}
}

// A page whose last "page_info" is not its own (page_info first, another
// one nested later): the page fetched ahead is dropped and the one the
// page names is read; the result is the same.
func TestListInstancesWrongGuess(t *testing.T) {
	var mu sync.Mutex
	var markers []string
	srv, _ := counting(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		m := r.URL.Query().Get("marker")
		mu.Lock()
		markers = append(markers, m)
		mu.Unlock()
		switch m {
		case "":
			fmt.Fprint(w, `{"page_info":{"next_marker":"real"},"resources":[{"id":"a","extra":{"page_info":{"next_marker":"bogus"}}}]}`)
		case "real":
			fmt.Fprint(w, `{"resources":[{"id":"b"}],"page_info":{"next_marker":null}}`)
		default:
			fmt.Fprint(w, `{"resources":[{"id":"wrong"}],"page_info":{"next_marker":null}}`)
		}
	})
	c, _ := newClient(srv.URL, nil)
	c.Endpoints[RMS], c.DomainID = srv.URL, "dom"
	rs, err := c.ListInstances(context.Background(), ListInstancesOptions{})
	if err != nil || len(rs) != 2 || rs[0].ID != "a" || rs[1].ID != "b" {
		t.Fatalf("%v %v", rs, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(markers, "real") || len(markers) > 3 {
		t.Errorf("markers asked: %q", markers)
	}
}
