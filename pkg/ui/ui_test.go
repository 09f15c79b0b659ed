package ui

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestConfirm(t *testing.T) {
	for answer, want := range map[string]bool{"y\n": true, "YES\n": true, "\n": false, "n\n": false, "sure\n": false, "y": true} {
		s, in, _, errOut := Test()
		s.SetTTY(true, true, true)
		in.WriteString(answer)
		got, err := s.Confirm("Buy?")
		if err != nil || got != want {
			t.Errorf("%q: %v %v", answer, got, err)
		}
		if !strings.Contains(errOut.String(), "Buy? [y/N]") {
			t.Errorf("prompt not on stderr: %q", errOut.String())
		}
	}
}

func TestNoPromptWithoutTerminal(t *testing.T) {
	for _, tty := range [][2]bool{{false, true}, {true, false}, {false, false}} {
		s, in, _, errOut := Test()
		s.SetTTY(tty[0], true, tty[1])
		in.WriteString("y\n")
		if _, err := s.Confirm("Buy?"); !errors.Is(err, ErrNoPrompt) {
			t.Errorf("%v: err = %v", tty, err)
		}
		if _, err := s.Input("Region", "x"); !errors.Is(err, ErrNoPrompt) {
			t.Errorf("%v: input err = %v", tty, err)
		}
		if _, err := s.Password("Password"); !errors.Is(err, ErrNoPrompt) {
			t.Errorf("%v: password err = %v", tty, err)
		}
		if errOut.Len() != 0 {
			t.Errorf("prompted anyway: %q", errOut.String())
		}
	}
}

func TestInputDefaultAndPassword(t *testing.T) {
	s, in, _, _ := Test()
	s.SetTTY(true, true, true)
	in.WriteString("\nvalue\n")
	if v, _ := s.Input("Region", "ap-southeast-3"); v != "ap-southeast-3" {
		t.Errorf("default: %q", v)
	}
	if v, _ := s.Input("Region", "x"); v != "value" {
		t.Errorf("answer: %q", v)
	}
	s.SetPasswordReader(func(int) ([]byte, error) { return []byte("pw"), nil })
	if v, _ := s.Password("Password"); v != "pw" {
		t.Errorf("password: %q", v)
	}
}

func TestProgressWithoutTerminalPrintsChangesOnly(t *testing.T) {
	s, _, out, errOut := Test()
	p := s.StartProgress("order CS1: processing")
	p.now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	p.Update("order CS1: processing")
	p.Update("order CS1: completed")
	p.Println("done")
	p.Stop()
	if out.Len() != 0 {
		t.Errorf("progress on stdout: %q", out.String())
	}
	got := errOut.String()
	if strings.Count(got, "processing") != 1 || !strings.Contains(got, "2026-01-02T03:04:05Z order CS1: completed\n") || strings.Contains(got, "\x1b") || strings.Contains(got, "\r") {
		t.Errorf("stderr = %q", got)
	}
}

func TestPromptsGiveUpWhenInterrupted(t *testing.T) {
	s, _, _, errOut := Test()
	s.SetTTY(true, true, true)
	pr, pw := io.Pipe()
	defer pw.Close()
	s.In = pr
	done := make(chan struct{})
	s.SetInterrupt(done)
	time.AfterFunc(50*time.Millisecond, func() { close(done) })
	if _, err := s.Confirm("Buy?"); !errors.Is(err, ErrInterrupted) {
		t.Errorf("confirm: %v", err)
	}
	if _, err := s.Input("Region", ""); !errors.Is(err, ErrInterrupted) {
		t.Errorf("input: %v", err)
	}
	restored := false
	s.saveTerm = func(int) func() { return func() { restored = true } }
	block := make(chan struct{})
	defer close(block)
	s.SetPasswordReader(func(int) ([]byte, error) { <-block; return nil, nil })
	if _, err := s.Password("Password"); !errors.Is(err, ErrInterrupted) || !restored {
		t.Errorf("password: %v, terminal restored: %v", err, restored)
	}
	if !strings.HasSuffix(errOut.String(), "Password: \n") {
		t.Errorf("stderr %q", errOut.String())
	}
}

// A line typed after an interrupted prompt is not lost by a second reader:
// the next prompt gets it.
func TestInterruptedReadHandsItsLineOn(t *testing.T) {
	s, _, _, _ := Test()
	s.SetTTY(true, true, true)
	pr, pw := io.Pipe()
	s.In = pr
	done := make(chan struct{})
	close(done)
	s.SetInterrupt(done)
	if _, err := s.Input("a", ""); !errors.Is(err, ErrInterrupted) {
		t.Fatal(err)
	}
	s.SetInterrupt(nil)
	go pw.Write([]byte("typed\n"))
	if got, err := s.Input("b", ""); err != nil || got != "typed" {
		t.Errorf("%q %v", got, err)
	}
}

// On a terminal the elapsed time moves with the clock, not with updates:
// the spinner redraws its suffix (PreUpdate) several times a second.
func TestProgressElapsedTicksBetweenUpdates(t *testing.T) {
	s, _, _, _ := Test()
	s.SetTTY(false, false, true)
	p := s.StartProgress("order CS1: checking")
	defer p.Stop()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	now := start
	p.now = func() time.Time { return now }
	p.ShowElapsed(start)
	p.Update("order CS1: processing")
	for _, el := range []time.Duration{0, 1100 * time.Millisecond, 2 * time.Second, 9*time.Second + 999*time.Millisecond} {
		now = start.Add(el)
		p.spin.Lock()
		p.spin.PreUpdate(p.spin) // what each redraw does
		got := p.spin.Suffix
		p.spin.Unlock()
		if want := " order CS1: processing (" + el.Truncate(time.Second).String() + ")"; got != want {
			t.Errorf("after %s: suffix %q, want %q", el, got, want)
		}
	}
}

// A console without escape sequences (old Windows consoles) gets spaces,
// never ESC, when a line is printed above the spinner; the cursor is not
// hidden with an escape code either.
func TestProgressWithoutEscapeSequences(t *testing.T) {
	for _, noVT := range []bool{false, true} {
		s, _, _, errOut := Test()
		s.SetTTY(false, false, true)
		s.noVT = noVT
		p := s.StartProgress("order CS1: checking")
		p.Println("order CS1: waiting for payment")
		p.Stop()
		got := errOut.String()
		if noVT && (strings.Contains(got, "\x1b") || p.spin.HideCursor || !strings.HasPrefix(got, "\r                    ")) {
			t.Errorf("no VT: %q (hide cursor %v)", got, p.spin.HideCursor)
		}
		if !noVT && !strings.HasPrefix(got, "\r\x1b[K") {
			t.Errorf("VT: %q", got)
		}
		if !strings.HasSuffix(got, "\rorder CS1: waiting for payment\n") && !strings.HasSuffix(got, "\x1b[Korder CS1: waiting for payment\n") {
			t.Errorf("line: %q", got)
		}
	}
	if got := eraseLine(false, 3); got != "\r   \r" {
		t.Errorf("eraseLine(false, 3) = %q", got)
	}
}

// TestWaitShow: the one wait view says what is ridden through (first
// line only, escaped) and, off a terminal, draws a line per change only.
func TestWaitShow(t *testing.T) {
	s, _, _, errOut := Test()
	p := s.StartWait("order CS1: checking", time.Now())
	p.Show("order CS1: pending", nil)
	p.Show("order CS1: pending", nil)
	p.Show("order CS1: pending", errors.New("HTTP 503\nbody \x1b[2J"))
	p.Stop()
	got := errOut.String()
	if strings.Count(got, "\n") != 2 || !strings.Contains(got, "order CS1: pending - retrying after: HTTP 503\n") || strings.Contains(got, "body") {
		t.Errorf("%q", got)
	}
}
