// Package ui holds the IO streams of a run and what depends on where they
// lead: whether stdin/stdout/stderr are terminals, prompts (only when a
// person can answer), and progress (a spinner on a terminal's stderr, one
// timestamped line per change elsewhere). Results never go through here:
// they are printed to Out by the output package.
package ui

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/flexusl/flexusl/pkg/safetext"
	"golang.org/x/term"
)

// IOStreams are the streams of one run.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer // results only
	ErrOut io.Writer // progress, prompts, warnings, errors

	inTTY, outTTY, errTTY bool
	noVT                  bool // stderr is a console without escape sequences (old Windows)
	inFd                  int
	readPassword          func(fd int) ([]byte, error)
	width                 int // stdout's width, set by tests (SetTerminalWidth)
	// saveTerm saves the terminal's state and returns how to restore it
	// (nil in tests): an interrupted password prompt must not leave echo off.
	saveTerm func(fd int) (restore func())

	interrupt <-chan struct{} // closed on Ctrl-C and the like: prompts give up

	mu      sync.Mutex
	reader  *bufio.Reader
	pending chan lineResult // a read still waiting for its line
}

type lineResult struct {
	line string
	err  error
}

// System returns the process's streams with terminals detected.
// FLEXUSL_NO_TTY=1 makes every stream count as not a terminal.
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, inFd: int(os.Stdin.Fd()), readPassword: term.ReadPassword, saveTerm: saveTerm}
	if os.Getenv("FLEXUSL_NO_TTY") == "" {
		s.inTTY = term.IsTerminal(int(os.Stdin.Fd()))
		s.outTTY = term.IsTerminal(int(os.Stdout.Fd()))
		s.errTTY = term.IsTerminal(int(os.Stderr.Fd()))
	}
	if s.errTTY {
		s.noVT = !enableVT(os.Stderr)
	}
	return s
}

func saveTerm(fd int) func() {
	st, err := term.GetState(fd)
	if err != nil {
		return func() {}
	}
	return func() { term.Restore(fd, st) }
}

// Test returns streams on buffers, none a terminal; set terminals with SetTTY.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	s = &IOStreams{In: in, Out: out, ErrOut: errOut, readPassword: func(int) ([]byte, error) {
		return nil, errors.New("no terminal")
	}}
	return s, in, out, errOut
}

// SetTTY says which streams count as terminals (tests).
func (s *IOStreams) SetTTY(in, out, errOut bool) { s.inTTY, s.outTTY, s.errTTY = in, out, errOut }

// SetPasswordReader replaces how a hidden password is read (tests).
func (s *IOStreams) SetPasswordReader(f func(int) ([]byte, error)) { s.readPassword = f }

// IsStdinTTY reports whether stdin is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.inTTY }

// IsStdoutTTY reports whether stdout is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.outTTY }

// TerminalWidth is stdout's width in columns when it is a terminal, else 0
// (a pipe or a file: tables are not cut to fit).
func (s *IOStreams) TerminalWidth() int {
	if !s.outTTY {
		return 0
	}
	if s.width > 0 {
		return s.width
	}
	if f, ok := s.Out.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil {
			return w
		}
	}
	return 0
}

// SetTerminalWidth sets the width TerminalWidth reports for a terminal
// stdout (tests).
func (s *IOStreams) SetTerminalWidth(w int) { s.width = w }

// IsStderrTTY reports whether stderr is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.errTTY }

// CanPrompt reports whether a person can answer a prompt: stdin and stderr
// are terminals. Nothing prompts otherwise.
func (s *IOStreams) CanPrompt() bool { return s.inTTY && s.errTTY }

// ErrNoPrompt is returned by prompts when no person can answer.
var ErrNoPrompt = errors.New("cannot prompt: stdin or stderr is not a terminal")

// ErrInterrupted is returned by a prompt given up because the run was
// interrupted (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT).
var ErrInterrupted = errors.New("interrupted")

// SetInterrupt makes prompts give up with ErrInterrupted as soon as done is
// closed, instead of waiting for Enter: a person pressing Ctrl-C at a
// prompt means to stop now. The run passes its context's Done channel.
func (s *IOStreams) SetInterrupt(done <-chan struct{}) { s.interrupt = done }

// Interrupted is the channel SetInterrupt gave (nil before): closed when
// the run is interrupted.
func (s *IOStreams) Interrupted() <-chan struct{} { return s.interrupt }

// Warnf prints "Warning: ..." on stderr. The arguments often quote a
// server or a file: control characters are shown escaped.
func (s *IOStreams) Warnf(format string, args ...any) {
	fmt.Fprintf(s.ErrOut, "Warning: %s\n", safetext.Text(fmt.Sprintf(format, args...)))
}

// Infof prints a line on stderr, control characters escaped.
func (s *IOStreams) Infof(format string, args ...any) {
	fmt.Fprintf(s.ErrOut, "%s\n", safetext.Text(fmt.Sprintf(format, args...)))
}

// line reads one line from In. When the run is interrupted first, it
// returns ErrInterrupted at once; the read goes on in the background and
// its line is what the next call gets.
func (s *IOStreams) line() (string, error) {
	s.mu.Lock()
	if s.reader == nil {
		s.reader = bufio.NewReader(s.In)
	}
	ch := s.pending
	if ch == nil {
		ch = make(chan lineResult, 1)
		s.pending = ch
		go func(r *bufio.Reader) {
			l, err := readLine(r, MaxLine)
			if err != nil && (l == "" || !errors.Is(err, io.EOF)) {
				ch <- lineResult{"", err}
				return
			}
			ch <- lineResult{strings.TrimRight(l, "\r\n"), nil}
		}(s.reader)
	}
	s.mu.Unlock()
	select {
	case r := <-ch:
		s.mu.Lock()
		s.pending = nil
		s.mu.Unlock()
		return r.line, r.err
	case <-s.interrupt: // nil when not set: never ready
		fmt.Fprintln(s.ErrOut)
		return "", ErrInterrupted
	}
}

// Confirm asks a yes/no question on stderr, defaulting to no. It never
// blocks a run without a terminal: it returns ErrNoPrompt instead.
func (s *IOStreams) Confirm(question string) (bool, error) {
	if !s.CanPrompt() {
		return false, ErrNoPrompt
	}
	fmt.Fprintf(s.ErrOut, "%s [y/N]: ", question)
	l, err := s.line()
	if err != nil {
		return false, fmt.Errorf("read answer: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(l)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// Input asks for a line, offering def when the answer is empty.
func (s *IOStreams) Input(question, def string) (string, error) {
	if !s.CanPrompt() {
		return "", ErrNoPrompt
	}
	if def != "" {
		fmt.Fprintf(s.ErrOut, "%s [%s]: ", question, def)
	} else {
		fmt.Fprintf(s.ErrOut, "%s: ", question)
	}
	l, err := s.line()
	if err != nil {
		return "", fmt.Errorf("read answer: %w", err)
	}
	if l = strings.TrimSpace(l); l == "" {
		return def, nil
	}
	return l, nil
}

// Password asks for a secret without echo.
func (s *IOStreams) Password(question string) (string, error) {
	if !s.CanPrompt() {
		return "", ErrNoPrompt
	}
	fmt.Fprintf(s.ErrOut, "%s: ", question)
	restore := func() {}
	if s.saveTerm != nil {
		restore = s.saveTerm(s.inFd)
	}
	ch := make(chan lineResult, 1)
	go func() {
		b, err := s.readPassword(s.inFd)
		ch <- lineResult{string(b), err}
	}()
	select {
	case r := <-ch:
		fmt.Fprintln(s.ErrOut)
		if r.err != nil {
			return "", fmt.Errorf("read password: %w", r.err)
		}
		return r.line, nil
	case <-s.interrupt:
		restore() // echo back on: the reader is left blocked until exit
		fmt.Fprintln(s.ErrOut)
		return "", ErrInterrupted
	}
}

// MaxLine bounds a line read from stdin (an answer, a password): stdin
// may be anything piped in, and a line is held in memory whole.
const MaxLine = 1 << 20

// ErrLineTooLong: a line of stdin is over MaxLine bytes.
var ErrLineTooLong = errors.New("the line is over 1048576 bytes (1 MiB)") // a literal: no fmt at start-up

// readLine reads up to and including '\n', at most max bytes; a longer
// line is ErrLineTooLong (what was read of it is dropped).
func readLine(r *bufio.Reader, max int) (string, error) {
	var b []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(b)+len(chunk) > max {
			return "", ErrLineTooLong
		}
		b = append(b, chunk...)
		if err != bufio.ErrBufferFull {
			return string(b), err
		}
	}
}

// ReadSecretLine reads one line from stdin (for --password-stdin).
func (s *IOStreams) ReadSecretLine() (string, error) {
	l, err := s.line()
	if err != nil {
		return "", fmt.Errorf("read from stdin: %w", err)
	}
	return l, nil
}
