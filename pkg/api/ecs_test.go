package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/auth"
	"github.com/flexusl/flexusl/pkg/exitcode"
)

const (
	ecsProject = "067cf8aecf3e4d6b9b4a5c0e1f2d3c4b"
	server1    = "72a270de-665a-4f46-8d64-24ad6edccdd1"
	server2    = "72a270de-665a-4f46-8d64-24ad6edccdd2"
)

// ecsWire is a documented ECS example (testdata/wire/ecs).
func ecsWire(t *testing.T, name string) []byte {
	t.Helper()
	return wire(t, "ecs/"+name)
}

func compact(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ecsServer answers every request with h and records it.
func ecsServer(t *testing.T, h func(try int, w http.ResponseWriter, r *http.Request)) (*Client, *recorder, *bytes.Buffer) {
	t.Helper()
	rec := &recorder{}
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := rec.add(r)
		r.Body = io.NopCloser(bytes.NewReader(b))
		h(int(n.Add(1)), w, r)
	}))
	t.Cleanup(srv.Close)
	debug := &bytes.Buffer{}
	hc, _ := NewHTTPClient(HTTPOptions{Timeout: 5 * time.Second, Debug: debug})
	c := &Client{Endpoints: Endpoints{ECS: srv.URL + "/{region}"}, HTTP: hc, Auth: auth.Token{Value: token}, UserAgent: "flexusl/test", MaxRetries: 3,
		Sleep: func(context.Context, time.Duration) error { return nil }}
	return c, rec, debug
}

var call = ECSCall{Region: "ap-southeast-3", ProjectID: ecsProject, RequestID: crid}

// The three actions send the documented bodies, byte for byte, to the
// region's endpoint and the project's path, with the request ID.
func TestBatchServerActionSendsDocumentedBytes(t *testing.T) {
	for _, tc := range []struct {
		action, typ, example string
	}{
		{ActionStart, "", "batch-action.start.request.json"},
		{ActionStop, "SOFT", "batch-action.stop.request.json"},
		{ActionStop, "", "batch-action.stop.request.json"}, // SOFT is the default, sent explicitly
		{ActionReboot, "SOFT", "batch-action.reboot.request.json"},
	} {
		t.Run(tc.action+tc.typ, func(t *testing.T) {
			c, rec, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Write(ecsWire(t, "batch-action.response.json"))
			})
			job, err := c.BatchServerAction(context.Background(), call, tc.action, tc.typ, []string{server1})
			if err != nil {
				t.Fatal(err)
			}
			if job != "ff80808290c6b7b60191ef522de6257b" {
				t.Errorf("job %q", job)
			}
			reqs := rec.all()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			r := reqs[0]
			if r.Method != "POST" || r.Path != "/ap-southeast-3/v1/"+ecsProject+"/cloudservers/action" {
				t.Errorf("%s %s", r.Method, r.Path)
			}
			if want := compact(t, ecsWire(t, tc.example)); !bytes.Equal(r.Body, want) {
				t.Errorf("body\n%s\nwant\n%s", r.Body, want)
			}
			for k, v := range map[string]string{"Client-Request-Id": crid, "Content-Type": "application/json", "X-Auth-Token": token} {
				if r.Header.Get(k) != v {
					t.Errorf("%s = %q", k, r.Header.Get(k))
				}
			}
		})
	}
}

// Bad batches are refused before anything is sent.
func TestBatchServerActionRefusesBadInput(t *testing.T) {
	many := make([]string, MaxBatchServers+1)
	for i := range many {
		many[i] = fmt.Sprintf("00000000-0000-0000-0000-%012d", i)
	}
	for name, tc := range map[string]struct {
		action, typ string
		ids         []string
	}{
		"none":             {ActionStart, "", nil},
		"1001":             {ActionStop, "SOFT", many},
		"repeated":         {ActionStop, "SOFT", []string{server1, server1}},
		"reboot no type":   {ActionReboot, "", []string{server1}},
		"bad type":         {ActionStop, "soft", []string{server1}},
		"start with type":  {ActionStart, "HARD", []string{server1}},
		"unknown action":   {"os-pause", "", []string{server1}},
		"slash in id":      {ActionStart, "", []string{"a/b"}},
		"empty id":         {ActionStart, "", []string{""}},
		"no request id":    {ActionStart, "", []string{server1}},
		"1000 is accepted": {ActionStart, "", many[:MaxBatchServers]},
	} {
		t.Run(name, func(t *testing.T) {
			c, rec, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { io.WriteString(w, `{"job_id":"j1"}`) })
			cl := call
			if name == "no request id" {
				cl.RequestID = ""
			}
			_, err := c.BatchServerAction(context.Background(), cl, tc.action, tc.typ, tc.ids)
			if name == "1000 is accepted" {
				if err != nil || len(rec.all()) != 1 {
					t.Fatalf("%v, %d requests", err, len(rec.all()))
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "nothing was sent") {
				t.Errorf("err = %v", err)
			}
			if n := len(rec.all()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}

// Actions are at most once: a 500 or a dropped connection is an unknown
// outcome after one request; 429 is retried with the same request ID.
func TestBatchServerActionAtMostOnce(t *testing.T) {
	t.Run("500", func(t *testing.T) {
		c, rec, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(500)
			io.WriteString(w, `{"error":{"code":"Ecs.0000","message":"internal"}}`)
		})
		_, err := c.BatchServerAction(context.Background(), call, ActionStop, "SOFT", []string{server1})
		var u *UnknownOutcomeError
		if !errors.As(err, &u) || u.RequestID != crid || len(rec.all()) != 1 || exitcode.Of(err) != 1 {
			t.Fatalf("err %v, %d requests", err, len(rec.all()))
		}
		if strings.Contains(strings.ToLower(err.Error()), "try again") {
			t.Errorf("suggests trying again: %v", err)
		}
	})
	t.Run("dropped", func(t *testing.T) {
		c, rec, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { drop(w) })
		_, err := c.BatchServerAction(context.Background(), call, ActionStart, "", []string{server1})
		if !IsUnknownOutcome(err) || len(rec.all()) != 1 {
			t.Fatalf("err %v, %d requests", err, len(rec.all()))
		}
	})
	t.Run("2xx without job", func(t *testing.T) {
		c, _, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) })
		_, err := c.BatchServerAction(context.Background(), call, ActionStart, "", []string{server1})
		if !IsUnknownOutcome(err) || !strings.Contains(err.Error(), "no job_id") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("429 then 200", func(t *testing.T) {
		c, rec, _ := ecsServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
			if n < 3 {
				w.WriteHeader(429)
				return
			}
			io.WriteString(w, `{"job_id":"j1"}`)
		})
		job, err := c.BatchServerAction(context.Background(), call, ActionReboot, "HARD", []string{server1, server2})
		if err != nil || job != "j1" {
			t.Fatal(job, err)
		}
		reqs := rec.all()
		if len(reqs) != 3 {
			t.Fatalf("%d requests", len(reqs))
		}
		for _, r := range reqs {
			if r.Header.Get("Client-Request-Id") != crid || !bytes.Equal(r.Body, reqs[0].Body) {
				t.Errorf("retry differs: %s %s", r.Header.Get("Client-Request-Id"), r.Body)
			}
		}
	})
	t.Run("400 documented error", func(t *testing.T) {
		c, rec, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(400)
			w.Write(ecsWire(t, "batch-action.error.json"))
		})
		_, err := c.BatchServerAction(context.Background(), call, ActionStart, "", []string{server1})
		var e *Error
		if !errors.As(err, &e) || e.Code != "Ecs.0005" || len(e.Details) != 1 || IsUnknownOutcome(err) || len(rec.all()) != 1 {
			t.Fatalf("err %v", err)
		}
	})
}

// ShowJob decodes the documented example with its sub-jobs.
func TestShowJobDecodesDocumentedExample(t *testing.T) {
	c, rec, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.Write(ecsWire(t, "show-job.response.json")) })
	j, err := c.ShowJob(context.Background(), ECSCall{Region: "ap-southeast-3", ProjectID: ecsProject}, "ff80808290c6b7b60191ef522de6257b")
	if err != nil {
		t.Fatal(err)
	}
	if r := rec.all()[0]; r.Method != "GET" || r.Path != "/ap-southeast-3/v1/"+ecsProject+"/jobs/ff80808290c6b7b60191ef522de6257b" || len(r.Body) != 0 {
		t.Errorf("%s %s %q", r.Method, r.Path, r.Body)
	}
	if j.Status != JobFail || !j.Ended() || j.ErrorCode == "" || j.FailReason == "" || j.JobType == "" || j.BeginTime == "" || j.EndTime == "" {
		t.Errorf("job %+v", j)
	}
	e := j.Entities
	if e.SubJobsTotal != 2 || len(e.SubJobs) != 2 {
		t.Fatalf("entities %+v", e)
	}
	ok, bad := e.SubJobs[0], e.SubJobs[1]
	if ok.Status != JobSuccess || ok.Entities.ServerID != server1 || ok.ErrorCode != "" || ok.FailReason != "" || ok.JobID == "" {
		t.Errorf("sub-job 0 %+v", ok)
	}
	if bad.Status != JobFail || bad.Entities.ServerID != server2 || bad.ErrorCode == "" || bad.FailReason == "" || bad.Entities.ErrorcodeMessage == "" {
		t.Errorf("sub-job 1 %+v", bad)
	}
}

func TestShowJobAnswers(t *testing.T) {
	for name, tc := range map[string]struct {
		status int
		body   string
		check  func(t *testing.T, j *Job, err error, tries int)
	}{
		"running": {200, `{"status":"RUNNING","job_id":"j1","entities":{"sub_jobs_total":"1","sub_jobs":[{"status":"INIT","entities":{"server_id":"s"}}]}}`,
			func(t *testing.T, j *Job, err error, _ int) {
				if err != nil || j.Ended() || j.Entities.SubJobsTotal != 1 || j.Entities.SubJobs[0].Status != JobInit {
					t.Errorf("%+v %v", j, err)
				}
			}},
		"unknown status shown as it came": {200, `{"status":"PENDING_PAYMENT","job_id":"j1"}`,
			func(t *testing.T, j *Job, err error, _ int) {
				if err != nil || j.Ended() || j.Status != JobPendingPayment {
					t.Errorf("%+v %v", j, err)
				}
			}},
		"call error in a 200": {200, `{"code":"Ecs.0005","message":"Invalid job_id"}`,
			func(t *testing.T, j *Job, err error, _ int) {
				var e *Error
				if !errors.As(err, &e) || e.Code != "Ecs.0005" || IsTransient(err) {
					t.Errorf("%+v %v", j, err)
				}
			}},
		"no status": {200, `{}`,
			func(t *testing.T, j *Job, err error, _ int) {
				if !IsTransient(err) {
					t.Errorf("%+v %v", j, err)
				}
			}},
		"500 retried": {500, `{"error":{"code":"Ecs.0000","message":"x"}}`,
			func(t *testing.T, j *Job, err error, tries int) {
				if !IsTransient(err) || tries != 4 {
					t.Errorf("%v after %d tries", err, tries)
				}
			}},
		"404": {404, `{"error":{"code":"Ecs.0114","message":"not found"}}`,
			func(t *testing.T, j *Job, err error, tries int) {
				var e *Error
				if !errors.As(err, &e) || e.Code != "Ecs.0114" || tries != 1 {
					t.Errorf("%v after %d tries", err, tries)
				}
			}},
	} {
		t.Run(name, func(t *testing.T) {
			c, rec, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			})
			j, err := c.ShowJob(context.Background(), call, "j1")
			tc.check(t, j, err, len(rec.all()))
		})
	}
	c, rec, _ := ecsServer(t, func(int, http.ResponseWriter, *http.Request) {})
	if _, err := c.ShowJob(context.Background(), call, "../x"); err == nil || len(rec.all()) != 0 {
		t.Errorf("a job ID with a slash was sent: %v", err)
	}
}

// The password reset sends the documented body, and the password appears
// in no --debug dump and no error.
func TestBatchResetServersPassword(t *testing.T) {
	const password = "Xk7-pq9.Lm2"
	c, rec, debug := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Write(ecsWire(t, "reset-password.response.json"))
	})
	res, err := c.BatchResetServersPassword(context.Background(), call, password, []string{server1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Response) != 1 || res.Response[0].ID != server1 {
		t.Errorf("result %+v", res)
	}
	r := rec.all()[0]
	if r.Method != "PUT" || r.Path != "/ap-southeast-3/v1/"+ecsProject+"/cloudservers/os-reset-passwords" || r.Header.Get("Client-Request-Id") != crid {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	if want := compact(t, ecsWire(t, "reset-password.request.json")); !bytes.Equal(r.Body, want) {
		t.Errorf("body\n%s\nwant\n%s", r.Body, want)
	}
	if strings.Contains(debug.String(), password) || !strings.Contains(debug.String(), "redacted") {
		t.Errorf("--debug shows the password:\n%s", debug)
	}

	// The dry-run shape is what the type encodes (documented example).
	var dry ResetPasswordRequest
	if err := DecodeJSON(ecsWire(t, "reset-password.dry-run.request.json"), &dry); err != nil || !dry.DryRun || dry.NewPassword != "" || len(dry.Servers) != 1 {
		t.Errorf("dry run %+v %v", dry, err)
	}
	if b, _ := encodeBody(dry); !bytes.Equal(b, compact(t, ecsWire(t, "reset-password.dry-run.request.json"))) {
		t.Errorf("dry run encodes as %s", b)
	}
}

func TestBatchResetServersPasswordFailures(t *testing.T) {
	const password = "Xk7-pq9.Lm2"
	t.Run("internalError names servers", func(t *testing.T) {
		c, _, debug := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(404)
			w.Write(ecsWire(t, "reset-password.error.json"))
		})
		_, err := c.BatchResetServersPassword(context.Background(), call, password, []string{server1, server2})
		var pe *ResetPasswordError
		if !errors.As(err, &pe) || len(pe.Servers) != 1 || !strings.HasPrefix(pe.Servers[server2], "Ecs.0114") {
			t.Fatalf("err %#v", err)
		}
		if strings.Contains(err.Error(), password) || strings.Contains(debug.String(), password) {
			t.Errorf("the password leaked: %v", err)
		}
	})
	t.Run("500 unknown", func(t *testing.T) {
		c, rec, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) })
		_, err := c.BatchResetServersPassword(context.Background(), call, password, []string{server1})
		if !IsUnknownOutcome(err) || len(rec.all()) != 1 || strings.Contains(err.Error(), password) {
			t.Fatalf("err %v, %d requests", err, len(rec.all()))
		}
	})
	t.Run("weak password", func(t *testing.T) {
		c, _, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":{"code":"Ecs.0011","message":"password too weak"}}`)
		})
		_, err := c.BatchResetServersPassword(context.Background(), call, password, []string{server1})
		var e *Error
		var pe *ResetPasswordError
		if !errors.As(err, &e) || e.Code != "Ecs.0011" || errors.As(err, &pe) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("no password", func(t *testing.T) {
		c, rec, _ := ecsServer(t, func(int, http.ResponseWriter, *http.Request) {})
		if _, err := c.BatchResetServersPassword(context.Background(), call, "", []string{server1}); err == nil || len(rec.all()) != 0 {
			t.Fatalf("err %v", err)
		}
	})
}

// UpdateServer sends the documented body and decodes the documented
// answer.
func TestUpdateServer(t *testing.T) {
	c, rec, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Write(ecsWire(t, "update-server.response.json"))
	})
	host, desc := "web-1a", "shop front"
	s, err := c.UpdateServer(context.Background(), call, server1, ServerUpdate{Hostname: &host, Description: &desc})
	if err != nil {
		t.Fatal(err)
	}
	r := rec.all()[0]
	if r.Method != "PUT" || r.Path != "/ap-southeast-3/v1/"+ecsProject+"/cloudservers/"+server1 || r.Header.Get("Client-Request-Id") != crid {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	if want := compact(t, ecsWire(t, "update-server.request.json")); !bytes.Equal(r.Body, want) {
		t.Errorf("body\n%s\nwant\n%s", r.Body, want)
	}
	if s.ID != server1 || s.Name != "web-1" || s.Hostname != "web-1a" || s.Description != "shop front" || s.Status != "ACTIVE" || s.Updated == "" {
		t.Errorf("server %+v", s)
	}
	// The SDK's UpdateServerResult: the image is its ID as a string, the
	// address version a number, the flavor an ID with links.
	if s.Image.ID != "3b6c8f1e-2d4a-4c9b-8e7f-0a1b2c3d4e5f" || s.Flavor.ID != "hf.large.1.30m.linux" || len(s.Flavor.Links) != 1 ||
		s.UserID == "" || s.HostID == "" || len(s.Links) != 2 {
		t.Errorf("server %+v", s)
	}
	if a := s.Addresses["24bbb54c-7a1d-4c3e-9f0b-2d6e8a1c5b7f"]; len(a) != 2 || a[0].Version != 4 || a[0].Addr != "192.168.0.16" {
		t.Errorf("addresses %+v", a)
	}

	// An empty description is sent (it clears the description).
	empty := ""
	if _, err := c.UpdateServer(context.Background(), call, server1, ServerUpdate{Description: &empty}); err != nil {
		t.Fatal(err)
	}
	if b := rec.all()[1].Body; string(b) != `{"server":{"description":""}}` {
		t.Errorf("body %s", b)
	}

	// The ShowServer example decodes as the same server type.
	var a updateServerAnswer
	if err := DecodeJSON(ecsWire(t, "show-server.response.json"), &a); err != nil || a.Server.Hostname != "web-1" || a.Server.Status != "ACTIVE" {
		t.Errorf("%+v %v", a.Server, err)
	}
}

// The image comes as an object (ShowServer), as its ID alone
// (UpdateServer, the SDK's UpdateServerResult.Image string), or not at
// all; anything else is unreadable.
func TestServerImageShapes(t *testing.T) {
	tests := []struct {
		image, want string
		ok          bool
	}{
		{`{"id":"img-1"}`, "img-1", true},
		{`"img-1"`, "img-1", true},
		{`""`, "", true},
		{`null`, "", true},
		{`{}`, "", true},
		{`7`, "", false},
		{`["img-1"]`, "", false},
	}
	for _, tt := range tests {
		var a updateServerAnswer
		err := DecodeJSON([]byte(`{"server":{"id":"s","image":`+tt.image+`}}`), &a)
		if (err == nil) != tt.ok || (err == nil && a.Server.Image.ID != tt.want) {
			t.Errorf("image %s: %+v %v", tt.image, a.Server, err)
		}
	}
}

func TestUpdateServerFailures(t *testing.T) {
	name := "web-2"
	t.Run("nothing to change", func(t *testing.T) {
		c, rec, _ := ecsServer(t, func(int, http.ResponseWriter, *http.Request) {})
		if _, err := c.UpdateServer(context.Background(), call, server1, ServerUpdate{}); err == nil || len(rec.all()) != 0 {
			t.Fatal(err)
		}
	})
	t.Run("500 unknown", func(t *testing.T) {
		c, rec, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(502) })
		_, err := c.UpdateServer(context.Background(), call, server1, ServerUpdate{Name: &name})
		if !IsUnknownOutcome(err) || len(rec.all()) != 1 {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("unreadable 200", func(t *testing.T) {
		c, _, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "<html>") })
		_, err := c.UpdateServer(context.Background(), call, server1, ServerUpdate{Name: &name})
		if !errors.Is(err, ErrAnswerUnreadable) || IsUnknownOutcome(err) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("not found", func(t *testing.T) {
		c, _, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(404)
			w.Write(ecsWire(t, "error.json"))
		})
		_, err := c.UpdateServer(context.Background(), call, server1, ServerUpdate{Name: &name})
		var e *Error
		if !errors.As(err, &e) || e.Code != "Ecs.0114" {
			t.Fatalf("err %v", err)
		}
	})
}
