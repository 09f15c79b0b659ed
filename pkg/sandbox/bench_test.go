package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkListThousand: every RMS page of 1,000 instances in 3 regions,
// 200 a page (5 requests), over HTTP: the sandbox side of `instance list`.
func BenchmarkListThousand(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Provision(ProvisionRequest{Count: 1000, Regions: []string{"ap-southeast-1", "ap-southeast-3", "tr-west-1"}}); err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	get := func(url string) rmsPage {
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("X-Auth-Token", DefaultToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		var p rmsPage
		if err := json.Unmarshal(body, &p); err != nil {
			b.Fatal(err)
		}
		return p
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n, marker := 0, ""
		for {
			url := ts.URL + rmsPath("type=hcss.l-instance&limit=200")
			if marker != "" {
				url += "&marker=" + marker
			}
			p := get(url)
			n += len(p.Resources)
			if p.PageInfo.NextMarker == nil {
				break
			}
			marker = *p.PageInfo.NextMarker
		}
		if n != 1000 {
			b.Fatalf("%d instances", n)
		}
	}
}

// BenchmarkBatchStop: one stop job for 1,000 servers and its ShowJob.
func BenchmarkBatchStop(b *testing.B) {
	e := &tenv{t: b}
	clk := &clock{}
	s, _ := New(Options{Now: clk.Now})
	ts := httptest.NewServer(s)
	defer ts.Close()
	e.s, e.url, e.clk = s, ts.URL, clk
	in, _ := s.Provision(ProvisionRequest{Count: 1000})
	ids := make([]string, len(in))
	for i, x := range in {
		ids[i] = x.ServerID
	}
	stop, start := `{"os-stop":{`+servers(ids...)+`}}`, `{"os-start":{`+servers(ids...)+`}}`
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body := stop
		if i%2 == 1 {
			body = start
		}
		r := e.do("POST", ecsPath(sg, "/cloudservers/action"), body)
		if r.status != 200 {
			b.Fatal(r)
		}
		if r := e.do("GET", ecsPath(sg, "/jobs/"+r.obj()["job_id"].(string)), nil); r.status != 200 || r.obj()["status"] != "SUCCESS" {
			b.Fatal(r)
		}
	}
}
