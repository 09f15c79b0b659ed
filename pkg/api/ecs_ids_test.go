package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// A 2xx batch answer whose job_id is not an ECS job ID: the action was
// taken, but its job cannot be followed: an unknown outcome after one
// request, and the ID is in no command.
func TestBatchServerActionJobIDThatIsNotAnID(t *testing.T) {
	for _, id := range []string{"x $(touch /tmp/PWNED) ; echo", "../../v3/auth", "j1\n", strings.Repeat("f", 65), "a\x1b]0;t\x07"} {
		t.Run(fmt.Sprintf("%q", id), func(t *testing.T) {
			c, rec, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				json.NewEncoder(w).Encode(map[string]string{"job_id": id})
			})
			job, err := c.BatchServerAction(context.Background(), call, ActionStop, "SOFT", []string{server1})
			if job != "" || !IsUnknownOutcome(err) || len(rec.all()) != 1 {
				t.Fatalf("job %q, err %v, %d requests", job, err, len(rec.all()))
			}
			if !strings.Contains(err.Error(), "not an ECS job ID") || strings.Contains(err.Error(), "job wait") {
				t.Errorf("%v", err)
			}
		})
	}
}

// Server and job IDs go into URL paths only when ValidID: anything else
// is refused before sending.
func TestIDsThatAreNotIDsStayOutOfPaths(t *testing.T) {
	name := "web"
	for _, id := range []string{"..", ".", "a b", "a;b", strings.Repeat("a", 65)} {
		c, rec, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { io.WriteString(w, `{}`) })
		if _, err := c.ShowJob(context.Background(), call, id); err == nil || !strings.Contains(err.Error(), "invalid job ID") {
			t.Errorf("show job %q: %v", id, err)
		}
		if _, err := c.UpdateServer(context.Background(), call, id, ServerUpdate{Name: &name}); err == nil || !strings.Contains(err.Error(), "nothing was sent") {
			t.Errorf("update server %q: %v", id, err)
		}
		if _, err := c.BatchServerAction(context.Background(), call, ActionStart, "", []string{id}); err == nil || !strings.Contains(err.Error(), "nothing was sent") {
			t.Errorf("start server %q: %v", id, err)
		}
		if _, err := c.BatchResetServersPassword(context.Background(), call, "Xk7-pq9.Lm2w", []string{id}); err == nil || !strings.Contains(err.Error(), "nothing was sent") {
			t.Errorf("reset server %q: %v", id, err)
		}
		if n := len(rec.all()); n != 0 {
			t.Errorf("%q: %d requests", id, n)
		}
	}
}

// A job answer naming a job_id that is not an ID is not about the job
// asked for: refused, and the bad ID is never shown.
func TestShowJobKeepsTheAskedID(t *testing.T) {
	c, _, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, `{"status":"SUCCESS","job_id":"x $(id)"}`)
	})
	j, err := c.ShowJob(context.Background(), call, "j1")
	if err == nil || j != nil || strings.Contains(err.Error(), "$(id)") {
		t.Fatalf("%+v %v", j, err)
	}
}

// ShowServer reads a server whose ID RMS gave: one that is not ValidID
// goes into no path.
func TestShowServerRefusesIDsThatAreNotIDs(t *testing.T) {
	c, rec, _ := ecsServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, `{"server":{"id":"`+server1+`"}}`)
	})
	for _, id := range []string{"..", "a b", "x;id"} {
		if _, err := c.ShowServer(context.Background(), ServerRef{Region: "ap-southeast-3", ProjectID: ecsProject, ServerID: id}); err == nil || !strings.Contains(err.Error(), "nothing was sent") {
			t.Errorf("%q: %v", id, err)
		}
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("%d requests", n)
	}
	if _, err := c.ShowServer(context.Background(), ServerRef{Region: "ap-southeast-3", ProjectID: ecsProject, ServerID: server1}); err != nil || len(rec.all()) != 1 {
		t.Errorf("a server ID refused: %v", err)
	}
}
