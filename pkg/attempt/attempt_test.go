package attempt

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flexusl/flexusl/pkg/api"
	"github.com/flexusl/flexusl/pkg/exitcode"
	"github.com/flexusl/flexusl/pkg/journal"
)

var when = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

func newRunner(t *testing.T) (*Runner, *[]string) {
	t.Helper()
	var warnings []string
	return &Runner{Journal: filepath.Join(t.TempDir(), "journal.jsonl"), Profile: "p1", Now: func() time.Time { return when },
		Warnf: func(format string, args ...any) { warnings = append(warnings, format) }}, &warnings
}

// TestRun is the one classification every state-changing verb shares:
// each answer's journal state, exit code and advice.
func TestRun(t *testing.T) {
	unknown := &api.UnknownOutcomeError{Op: "renew", RequestID: "r", Cause: errors.New("EOF")}
	tests := []struct {
		name     string
		kind     string
		answer   Answer
		state    string
		code     int
		advice   string // a substring; "" = none
		journErr string
	}{
		{"accepted", journal.KindRenew, Answer{OrderIDs: []string{"CS1"}}, journal.StateAccepted, 0, "", ""},
		{"rejected", journal.KindRenew, Answer{Err: &api.Error{StatusCode: 400, Code: "CBC.0001", Message: "bad"}}, journal.StateRejected, 1, "", "CBC.0001"},
		{"forbidden", journal.KindPay, Answer{Err: &api.Error{StatusCode: 403, Code: "CBC.0151", Message: "no"}}, journal.StateRejected, 3, "", "CBC.0151"},
		{"not sent", journal.KindRenew, Answer{Err: &api.NotSentError{Op: "renew", Cause: errors.New("dial tcp: refused")}}, journal.StateNotSent, 1, "", "refused"},
		{"unknown order", journal.KindRenew, Answer{Err: unknown}, journal.StateUnknown, 1, "`flexusl order list --remote --since 1d`", "EOF"},
		{"unknown pay", journal.KindPay, Answer{Err: unknown}, journal.StateUnknown, 1, "`flexusl order show CS9`", "EOF"},
		{"unknown ecs", journal.KindECSAction, Answer{Err: unknown}, journal.StateUnknown, 1, "`flexusl instance show`", "EOF"},
		{"unknown by the caller", journal.KindECSAction, Answer{State: journal.StateUnknown, Err: errors.New("job named 1 of 2")}, journal.StateUnknown, 1, "Do not run the command again", "job named"},
		{"accepted, answer unreadable", journal.KindECSAction, Answer{State: journal.StateAccepted, Err: errors.New("unreadable")}, journal.StateAccepted, 1, "", "unreadable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := newRunner(t)
			sent := 0
			res := r.Run(Call{Kind: tt.kind, Operation: "POST /x", Region: "ap-southeast-3", ResourceIDs: []string{"i-1"}, OrderIDs: []string{"CS9"}, Subject: "The change of i-1"},
				func(id string) Answer {
					sent++
					// The attempt is journaled, synced, before the request leaves.
					es, _, err := journal.Read(r.Journal)
					if err != nil || len(es) != 1 || !es[0].NoOutcome || es[0].RequestID != id || id == "" {
						t.Fatalf("before sending: %+v %v", es, err)
					}
					return tt.answer
				})
			if sent != 1 || !res.Began || res.State != tt.state {
				t.Fatalf("sent %d, result %+v", sent, res)
			}
			if got := exitcode.Of(res.Err); got != tt.code {
				t.Errorf("exit %d, want %d (%v)", got, tt.code, res.Err)
			}
			adv, _ := exitcode.AdviceOf(res.Err)
			if tt.advice == "" && adv != "" || !strings.Contains(adv, tt.advice) {
				t.Errorf("advice %q, want %q", adv, tt.advice)
			}
			if tt.state == journal.StateUnknown && (!strings.Contains(adv, "The change of i-1 may or may not have happened") ||
				!strings.Contains(adv, res.RequestID) || strings.Contains(adv, "again.") || strings.Contains(adv, "{")) {
				t.Errorf("unknown advice: %s", adv)
			}
			es, _, err := journal.Read(r.Journal)
			if err != nil || len(es) != 1 {
				t.Fatalf("journal: %+v %v", es, err)
			}
			e := es[0]
			if e.State != tt.state || e.Kind != tt.kind || e.Profile != "p1" || !e.Time.Equal(when) || e.Region != "ap-southeast-3" || !strings.Contains(e.Error, tt.journErr) {
				t.Errorf("journaled %+v", e)
			}
			if tt.state == journal.StateAccepted && len(tt.answer.OrderIDs) > 0 && strings.Join(e.OrderIDs, ",") != strings.Join(tt.answer.OrderIDs, ",") {
				t.Errorf("order IDs %v", e.OrderIDs)
			}
		})
	}
}

// TestRunJournalUnwritable: no journal, nothing sent (exit 1, said).
func TestRunJournalUnwritable(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	begun := false
	r := &Runner{Journal: filepath.Join(dir, "file", "journal.jsonl"), Begun: func() { begun = true }}
	res := r.Run(Call{Kind: journal.KindPurchase}, func(string) Answer { t.Fatal("sent without a journal"); return Answer{} })
	if res.Began || begun || res.State != journal.StateNotSent || exitcode.Of(res.Err) != 1 || !strings.Contains(res.Err.Error(), "nothing was sent") {
		t.Fatalf("%+v", res)
	}
}

// TestRunSubjectNarrowed: when only some targets are unknown the advice
// names them, and the request ID given is the one sent.
func TestRunSubjectNarrowed(t *testing.T) {
	r, _ := newRunner(t)
	res := r.Run(Call{Kind: journal.KindECSAction, RequestID: "rid-1", Subject: "The stop of i-1, i-2"}, func(id string) Answer {
		if id != "rid-1" {
			t.Errorf("request ID %q", id)
		}
		return Answer{State: journal.StateUnknown, Err: errors.New("partial"), Subject: "The stop of i-2"}
	})
	adv, _ := exitcode.AdviceOf(res.Err)
	if !strings.HasPrefix(adv, "The stop of i-2 may") || !strings.Contains(adv, "rid-1") {
		t.Errorf("advice %q", adv)
	}
}

func TestStateOf(t *testing.T) {
	for err, want := range map[error]string{
		nil: journal.StateAccepted,
		&api.UnknownOutcomeError{Cause: errors.New("x")}: journal.StateUnknown,
		&api.Error{StatusCode: 500}:                      journal.StateRejected,
		&api.NotSentError{Cause: errors.New("x")}:        journal.StateNotSent,
		errors.New("no credentials"):                     journal.StateNotSent,
	} {
		if got := StateOf(err); got != want {
			t.Errorf("StateOf(%v) = %s, want %s", err, got, want)
		}
	}
}

// TestAdviceByKind: the kind decides how to find out after an unknown
// outcome; no advice invites a retry.
func TestAdviceByKind(t *testing.T) {
	for _, tt := range []struct{ kind, want, not string }{
		{journal.KindFirewall, "flexusl firewall list", "order list"},
		{journal.KindPurchase, "order list --remote", "instance show"},
		{journal.KindCancelOrder, "order show CS1", "order list --remote"},
		{journal.KindAutoRenew, "instance show", "order list"},
	} {
		a := Advice(Call{Kind: tt.kind, RequestID: "r1", OrderIDs: []string{"CS1"}}, "", when)
		if !strings.Contains(a, tt.want) || strings.Contains(a, tt.not) || strings.Contains(strings.ToLower(a), "try again") || !strings.Contains(a, "r1") {
			t.Errorf("%s: %q", tt.kind, a)
		}
	}
}

// TestSequence: the one rule of a command that sends several requests.
func TestSequence(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var s Sequence
	if why := s.Skip(ctx); why != "" {
		t.Fatalf("first: %q", why)
	}
	s.Sent(Result{Answer: Answer{State: journal.StateRejected}})
	s.SentErr(&api.Error{StatusCode: 400})
	if why := s.Skip(ctx); why != "" {
		t.Fatalf("after refusals: %q", why)
	}
	s.Sent(Result{Answer: Answer{State: journal.StateUnknown}})
	if why := s.Skip(ctx); why != NotSentAfterUnknown {
		t.Fatalf("after an unknown outcome: %q", why)
	}
	cancel()
	if why := s.Skip(ctx); why != NotSentAfterUnknown {
		t.Fatalf("the first reason stays: %q", why)
	}
	var i Sequence
	if why := i.Skip(ctx); why != NotSentInterrupted {
		t.Fatalf("interrupted: %q", why)
	}
	var e Sequence
	e.SentErr(&api.UnknownOutcomeError{Cause: errors.New("EOF")})
	e.Stop("not sent: other")
	if why := e.Skip(context.Background()); why != NotSentAfterUnknown {
		t.Fatalf("SentErr: %q", why)
	}
}
