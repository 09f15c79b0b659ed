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

	mu     sync.Mutex
	reader *bufio.Reader
}

// System returns the process's streams with terminals detected.
// FLEXUSL_NO_TTY=1 makes every stream count as not a terminal.
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, inFd: int(os.Stdin.Fd()), readPassword: term.ReadPassword}
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

// IsStderrTTY reports whether stderr is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.errTTY }

// CanPrompt reports whether a person can answer a prompt: stdin and stderr
// are terminals. Nothing prompts otherwise.
func (s *IOStreams) CanPrompt() bool { return s.inTTY && s.errTTY }

// ErrNoPrompt is returned by prompts when no person can answer.
var ErrNoPrompt = errors.New("cannot prompt: stdin or stderr is not a terminal")

// Warnf prints "Warning: ..." on stderr.
func (s *IOStreams) Warnf(format string, args ...any) {
	fmt.Fprintf(s.ErrOut, "Warning: "+format+"\n", args...)
}

// Infof prints a line on stderr.
func (s *IOStreams) Infof(format string, args ...any) {
	fmt.Fprintf(s.ErrOut, format+"\n", args...)
}

func (s *IOStreams) line() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reader == nil {
		s.reader = bufio.NewReader(s.In)
	}
	l, err := s.reader.ReadString('\n')
	if err != nil && (l == "" || !errors.Is(err, io.EOF)) {
		return "", err
	}
	return strings.TrimRight(l, "\r\n"), nil
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
	b, err := s.readPassword(s.inFd)
	fmt.Fprintln(s.ErrOut)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	return string(b), nil
}

// ReadSecretLine reads one line from stdin (for --password-stdin).
func (s *IOStreams) ReadSecretLine() (string, error) {
	l, err := s.line()
	if err != nil {
		return "", fmt.Errorf("read from stdin: %w", err)
	}
	return l, nil
}
