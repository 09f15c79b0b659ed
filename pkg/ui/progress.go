package ui

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/term"
)

// Progress shows what a long wait is doing, on stderr: a spinner on a
// terminal, otherwise one timestamped line each time the text changes (so a
// CI log gets no escape codes and no repeated lines).
//
// The spinner is drawn here rather than by a library: one line, redrawn
// every 120 ms by one goroutine, started only when a wait starts (nothing at
// program start-up).
type Progress struct {
	s   *IOStreams
	now func() time.Time

	mu    sync.Mutex
	tty   bool      // stderr is a terminal: draw a spinner line
	text  string    // the spinner's text, or the last line printed
	since time.Time // with ShowElapsed: shown after the text, ticking
	frame int
	width int // columns of the line on screen, for erasing it

	stop chan struct{} // closed by Stop; nil when nothing animates
	done chan struct{}
}

// spinnerFrames are the spinner's characters (braille dots); asciiFrames
// serve consoles without escape sequences, whose fonts may lack braille.
var (
	spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
	asciiFrames   = []string{"|", "/", "-", "\\"}
)

const spinnerDelay = 120 * time.Millisecond

// StartProgress starts showing progress. On a terminal the spinner shows
// text at once; elsewhere nothing is printed until the first Update.
func (s *IOStreams) StartProgress(text string) *Progress {
	p := &Progress{s: s, now: time.Now}
	if !s.errTTY {
		return p // without a terminal, lines appear as the text changes
	}
	p.tty, p.text = true, text
	// Animate only on a real terminal (streams in tests are buffers).
	if f, ok := s.ErrOut.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.stop, p.done = make(chan struct{}), make(chan struct{})
		p.mu.Lock()
		if !s.noVT {
			io.WriteString(s.ErrOut, "\033[?25l") // hide the cursor
		}
		p.draw()
		p.mu.Unlock()
		go p.animate()
	}
	return p
}

func (p *Progress) animate() {
	defer close(p.done)
	t := time.NewTicker(spinnerDelay)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.frame++
			p.draw()
			p.mu.Unlock()
		}
	}
}

// line is the spinner line at this moment; p.mu is held.
func (p *Progress) line() string {
	frames := spinnerFrames
	if p.s.noVT {
		frames = asciiFrames
	}
	l := frames[p.frame%len(frames)] + " " + p.text
	if !p.since.IsZero() {
		l += fmt.Sprintf(" (%s)", p.now().Sub(p.since).Truncate(time.Second))
	}
	return l
}

// draw replaces the spinner line on screen; p.mu is held.
func (p *Progress) draw() {
	l := p.line()
	fmt.Fprintf(p.s.ErrOut, "%s%s", p.erase(), l)
	p.width = utf8.RuneCountInString(l)
}

// erase returns what clears the spinner line drawn last; p.mu is held.
func (p *Progress) erase() string {
	if p.width == 0 {
		return "\r" // nothing on the line yet
	}
	return eraseLine(!p.s.noVT, p.width)
}

// ShowElapsed makes a terminal's spinner show the time since start after
// its text, ticking every second whatever the text's updates do. Without a
// terminal it does nothing: log lines carry their own time.
func (p *Progress) ShowElapsed(start time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		p.since = start
	}
}

// Update changes the text.
func (p *Progress) Update(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		p.text = text
		return // the next frame shows it
	}
	if text == p.text {
		return
	}
	p.text = text
	fmt.Fprintf(p.s.ErrOut, "%s %s\n", p.now().UTC().Format(time.RFC3339), text)
}

// Println prints a line that stays (above the spinner on a terminal).
func (p *Progress) Println(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprintf(p.s.ErrOut, "%s%s\n", eraseLine(!p.s.noVT, max(p.width, utf8.RuneCountInString(p.line()))), text)
		p.width = 0
		if p.stop != nil {
			p.draw()
		}
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

// Stop stops the spinner and clears its line. It may be called twice.
func (p *Progress) Stop() {
	p.mu.Lock()
	stop := p.stop
	p.stop = nil
	p.mu.Unlock()
	if stop == nil {
		return
	}
	close(stop)
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.s.ErrOut, eraseLine(!p.s.noVT, p.width))
	if !p.s.noVT {
		io.WriteString(p.s.ErrOut, "\033[?25h") // show the cursor
	}
	p.width = 0
}
