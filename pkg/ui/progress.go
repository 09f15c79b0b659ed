package ui

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/briandowns/spinner"
	"github.com/flexusl/flexusl/pkg/safetext"
)

// Progress shows what a long wait is doing, on stderr: a spinner on a
// terminal, otherwise one timestamped line each time the text changes (so a
// CI log gets no escape codes and no repeated lines).
type Progress struct {
	s    *IOStreams
	spin *spinner.Spinner
	mu   sync.Mutex
	last string
	now  func() time.Time

	// On a terminal: the text and, with ShowElapsed, when the wait began;
	// both read under the spinner's lock at each redraw.
	text  string
	since time.Time
}

// StartProgress starts showing progress. On a terminal the spinner shows
// text at once; elsewhere nothing is printed until the first Update.
func (s *IOStreams) StartProgress(text string) *Progress {
	text = safetext.Line(text)
	p := &Progress{s: s, now: time.Now}
	if s.errTTY {
		// WithWriterFile: the spinner checks this file is a terminal; plain
		// WithWriter would check stdout, which may be a pipe to jq.
		opt := spinner.WithWriter(s.ErrOut)
		if f, ok := s.ErrOut.(*os.File); ok {
			opt = spinner.WithWriterFile(f)
		}
		p.spin = spinner.New(spinner.CharSets[14], 120*time.Millisecond, opt)
		// A console without escape sequences (old Windows consoles) must
		// not get the cursor codes; the spinner erases with spaces there.
		p.spin.HideCursor = !s.noVT
		p.text = text
		p.spin.Suffix = " " + text
		p.spin.PreUpdate = func(sp *spinner.Spinner) { sp.Suffix = p.suffix() }
		p.spin.Start()
		p.last = text
		return p
	}
	return p // without a terminal, lines appear as the text changes
}

// ShowElapsed makes a terminal's spinner show the time since start after
// its text, ticking every second whatever the text's updates do. Without a
// terminal it does nothing: log lines carry their own time.
func (p *Progress) ShowElapsed(start time.Time) {
	if p.spin == nil {
		return
	}
	p.spin.Lock()
	p.since = start
	p.spin.Unlock()
}

// suffix is the spinner's text at this redraw; the spinner's lock is held.
func (p *Progress) suffix() string {
	if p.since.IsZero() {
		return " " + p.text
	}
	return fmt.Sprintf(" %s (%s)", p.text, p.now().Sub(p.since).Truncate(time.Second))
}

// Update changes the text (one line; control characters escaped).
func (p *Progress) Update(text string) {
	text = safetext.Line(text)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.spin != nil {
		p.spin.Lock()
		p.text = text
		p.spin.Suffix = p.suffix()
		p.spin.Unlock()
		p.last = text
		return
	}
	if text == p.last {
		return
	}
	p.last = text
	fmt.Fprintf(p.s.ErrOut, "%s %s\n", p.now().UTC().Format(time.RFC3339), text)
}

// StartWait starts the one view of a wait (orders, instances, ECS jobs):
// a spinner with the time since start ticking on a terminal, a
// timestamped line per change elsewhere. Update it with Show.
func (s *IOStreams) StartWait(text string, start time.Time) *Progress {
	p := s.StartProgress(text)
	p.ShowElapsed(start)
	return p
}

// Show is a wait's progress: its state, and the read error it is riding
// through (first line), if any.
func (p *Progress) Show(text string, transient error) {
	if transient != nil {
		first, _, _ := strings.Cut(transient.Error(), "\n")
		text += " - retrying after: " + first
	}
	p.Update(text)
}

// Println prints a line that stays (above the spinner on a terminal);
// control characters in text are escaped.
func (p *Progress) Println(text string) {
	text = safetext.Line(text)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.spin != nil {
		p.spin.Lock()
		// The spinner's line is its one character and the suffix.
		fmt.Fprintf(p.s.ErrOut, "%s%s\n", eraseLine(!p.s.noVT, 1+utf8.RuneCountInString(p.spin.Suffix)), text)
		p.spin.Unlock()
		return
	}
	fmt.Fprintf(p.s.ErrOut, "%s %s\n", p.now().UTC().Format(time.RFC3339), text)
}

// eraseLine returns what clears a terminal line of width characters and
// puts the cursor at its start: the escape sequence where the terminal
// understands them, else spaces between carriage returns.
func eraseLine(vt bool, width int) string {
	if vt {
		return "\r\033[K"
	}
	return "\r" + strings.Repeat(" ", width) + "\r"
}

// Stop stops the spinner and clears its line.
func (p *Progress) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.spin != nil {
		p.spin.Stop()
	}
}
