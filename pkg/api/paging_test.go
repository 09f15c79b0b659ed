package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestCountArray(t *testing.T) {
	for _, tc := range []struct {
		body string
		want int
	}{
		{`{"resources":[]}`, 0},
		{`{"resources":[{}]}`, 1},
		{`{"resources":[{},{"a":[1,2,{"resources":[1,2,3]}]},"x",3,null,[]]}`, 6},
		{`{"a":"resources","resources":[ {} , {} ]}`, 2},
		{`{"x":{"resources":[1,2,3]},"resources":[1]}`, 1},
		{`{"resources":["a\"],[","b"]}`, 2},
		{`{"data":[1,2]}`, 0},
		{`{"resources":[1,2`, 2},
		{`{"resources":["`, 0},
	} {
		if got := countArray([]byte(tc.body), "resources", 100); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.body, got, tc.want)
		}
	}
	big := []byte(`{"resources":[` + strings.Repeat(`{},`, 1000) + `{}]}`)
	if got := countArray(big, "resources", 200); got != 201 {
		t.Errorf("stops at limit+1: %d", got)
	}
}

func rmsClient(t *testing.T, h func(n int, w http.ResponseWriter, r *http.Request)) (*Client, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(int(n.Add(1)), w, r) }))
	t.Cleanup(srv.Close)
	c, _ := newClient(srv.URL, nil)
	c.Endpoints[RMS], c.DomainID = srv.URL, "d"
	return c, &n
}

// One RMS page of 8 MiB of empty entries became millions of entries
// (3.5 GB of memory, hundreds of MB printed). A page holding more entries
// than asked for is refused before it is decoded, naming RMS.
func TestRMSPageWithTooManyEntriesIsRefused(t *testing.T) {
	var page bytes.Buffer
	page.WriteString(`{"resources":[{}`)
	for page.Len() < 8<<20-100 {
		page.WriteString(`,{}`)
	}
	page.WriteString(`],"page_info":{"current_count":1,"next_marker":null}}`)
	c, n := rmsClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.Write(page.Bytes()) })
	rs, err := c.ListInstances(context.Background(), ListInstancesOptions{})
	var pe *PagingError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "RMS answered more than 200 entries") || rs != nil || n.Load() != 1 {
		t.Fatalf("%d requests, %d entries: %v", n.Load(), len(rs), err)
	}
}

// An answer over 8 MiB is refused, naming the service.
func TestAnswerTooLargeNamesTheService(t *testing.T) {
	c, _ := rmsClient(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.Write(bytes.Repeat([]byte(" "), 8<<20+1)) })
	_, err := c.ListInstances(context.Background(), ListInstancesOptions{})
	if err == nil || !strings.Contains(err.Error(), "RMS's answer is larger than 8 MiB") {
		t.Fatal(err)
	}
}

// RMS page markers that go round (A -> B -> A) or never end stop the
// listing with an error naming RMS, within the page bound. Before: A->B->A
// was followed 1000 times.
func TestRMSPagingLoopsAreBounded(t *testing.T) {
	for name, tc := range map[string]struct {
		next     func(n int) string
		maxCalls int32
		want     string
	}{
		"A->B->A": {func(n int) string { return []string{"A", "B"}[(n-1)%2] }, 4, `RMS named page marker "A" again after 3 page(s)`},
		"A->A":    {func(int) string { return "A" }, 3, `RMS named page marker "A" again`},
		"endless": {func(n int) string { return fmt.Sprintf("m%d", n) }, MaxRMSPages + 2, fmt.Sprintf("RMS keeps answering with more pages: over %d", MaxRMSPages)},
	} {
		t.Run(name, func(t *testing.T) {
			c, n := rmsClient(t, func(k int, w http.ResponseWriter, _ *http.Request) {
				fmt.Fprintf(w, `{"resources":[{"id":"6743d0e3708be6007b8c%04d"}],"page_info":{"current_count":1,"next_marker":%q}}`, k, tc.next(k))
			})
			_, err := c.ListInstances(context.Background(), ListInstancesOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || n.Load() > tc.maxCalls {
				t.Fatalf("%d requests: %v", n.Load(), err)
			}
		})
	}
}

// BSS total_count 1e9 made ListCustomerOrders and the subscription query
// (renew's confirmation) send hundreds of requests a minute without end.
// Both stop at MaxBSSPages with an error naming BSS; a page with more
// entries than asked for is refused.
func TestBSSPagingIsBounded(t *testing.T) {
	order := func(k int) string {
		return fmt.Sprintf(`{"order_id":"CS%08d","status":5}`, k)
	}
	sub := func(k int) string {
		return fmt.Sprintf(`{"resource_id":"6743d0e3708be6007b8c%04d","status":2}`, k)
	}
	for name, tc := range map[string]struct {
		page func(k int) string
		call func(c *Client) error
		want string
		max  int32
	}{
		"orders total_count 1e9": {func(k int) string { return `{"total_count":1000000000,"order_infos":[` + order(k) + `]}` },
			func(c *Client) error {
				_, err := c.ListCustomerOrders(context.Background(), ListOrdersOptions{})
				return err
			},
			"BSS keeps answering with more pages: over 100", MaxBSSPages},
		"orders page too long": {func(k int) string {
			return `{"total_count":5,"order_infos":[` + strings.Repeat(order(k)+",", 100) + order(k) + `]}`
		},
			func(c *Client) error {
				_, err := c.ListCustomerOrders(context.Background(), ListOrdersOptions{})
				return err
			},
			`BSS answered more than 100 entries in "order_infos"`, 1},
		"subscriptions total_count 1e9": {func(k int) string { return `{"total_count":1000000000,"data":[` + sub(k) + `]}` },
			func(c *Client) error {
				_, err := c.ListPayPerUseCustomerResources(context.Background(), []string{"6743d0e3708be6007b8c0001"})
				return err
			},
			"BSS keeps answering with more pages: over 100", MaxBSSPages},
	} {
		t.Run(name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(tc.page(int(n.Add(1)))))
			}))
			defer srv.Close()
			c, _ := newClient(srv.URL, nil)
			c.DomainID = "d"
			err := tc.call(c)
			if err == nil || !strings.Contains(err.Error(), tc.want) || n.Load() > tc.max {
				t.Fatalf("%d requests: %v", n.Load(), err)
			}
		})
	}
}
