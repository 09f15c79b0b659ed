package api

// Stand-in tests for bss_resources.go; deleted with it when bss.go lands.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The documented example of LIFECYCLE.md §12.
const subscriptionsExample = `{"total_count":1,"data":[{"resource_id":"6743d0e3708be6007b8c8012","region_code":"ap-southeast-3",
 "is_main_resource":1,"status":2,"effective_time":"2024-11-25T10:51:12Z",
 "expire_time":"2024-12-25T15:59:59Z","expire_policy":3}]}`

func TestSubscriptionsStandIn(t *testing.T) {
	var bodies []string
	srv, _ := counting(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		bodies = append(bodies, r.Method+" "+r.URL.Path)
		fmt.Fprint(w, subscriptionsExample)
	})
	c, _ := newClient(srv.URL, nil)
	c.DomainID = "dom"
	subs, err := c.ListPayPerUseCustomerResources(context.Background(), []string{"6743d0e3708be6007b8c8012", "6743d0e3708be6007b8c8012"})
	if err != nil || len(subs) != 1 {
		t.Fatal(subs, err)
	}
	s := subs[0]
	if s.ResourceID != "6743d0e3708be6007b8c8012" || s.EffectiveTime != "2024-11-25T10:51:12Z" || s.ExpireTime != "2024-12-25T15:59:59Z" ||
		s.ExpirePolicy != ExpireAutoRenew || s.Status != 2 || s.IsMainResource != 1 || s.RegionCode != "ap-southeast-3" {
		t.Errorf("%+v", s)
	}
	if strings.Join(bodies, "|") != "POST /v2/orders/suscriptions/resources/query" {
		t.Errorf("%v", bodies)
	}
	if _, err := c.ListPayPerUseCustomerResources(context.Background(), nil); err == nil || len(bodies) != 1 {
		t.Error("an empty ID list was sent")
	}
}

// At most 50 IDs a call: 51 IDs are two calls, with these exact bodies.
func TestSubscriptionsStandInBody(t *testing.T) {
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		fmt.Fprint(w, `{"total_count":0,"data":[]}`)
	}))
	defer srv.Close()
	c, _ := newClient(srv.URL, nil)
	c.DomainID = "dom"
	ids := make([]string, 51)
	for i := range ids {
		ids[i] = fmt.Sprintf("%024x", i)
	}
	if _, err := c.ListPayPerUseCustomerResources(context.Background(), ids); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 2 || !strings.HasPrefix(bodies[0], `{"resource_ids":["000000000000000000000000","000000000000000000000001",`) ||
		bodies[1] != `{"resource_ids":["000000000000000000000032"],"only_main_resource":1,"offset":0,"limit":50}` {
		t.Errorf("%q", bodies)
	}
}
