package ui

import (
	"fmt"
	"os"
	"sync"
	"time"

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
		p.spin.Suffix = " " + text
		p.spin.Start()
		p.last = text
		return p
	}
	return p // without a terminal, lines appear as the text changes
}

// Update changes the text (one line; control characters escaped).
func (p *Progress) Update(text string) {
	text = safetext.Line(text)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.spin != nil {
		p.spin.Lock()
		p.spin.Suffix = " " + text
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

// Println prints a line that stays (above the spinner on a terminal);
// control characters in text are escaped.
func (p *Progress) Println(text string) {
	text = safetext.Line(text)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.spin != nil {
		p.spin.Lock()
		fmt.Fprintf(p.s.ErrOut, "\r\033[K%s\n", text)
		p.spin.Unlock()
		return
	}
	fmt.Fprintf(p.s.ErrOut, "%s %s\n", p.now().UTC().Format(time.RFC3339), text)
}

// Stop stops the spinner and clears its line.
func (p *Progress) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.spin != nil {
		p.spin.Stop()
	}
}
