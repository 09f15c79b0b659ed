// Package journal is the local write-ahead journal of calls that spend
// money or change servers (purchases, and later renewals, payments,
// cancellations, unsubscriptions, auto-renew changes, ECS actions).
//
// An attempt is written and synced to disk before its request leaves
// (Begin: state "sending"), and its outcome is written and synced before
// anything about it is printed (Attempt.Finish: "accepted", "unknown",
// "rejected" or "not_sent"). So a closed terminal, a kill -9 or a power
// cut after the request left leaves at least the "sending" record, which
// readers show as unknown, with the Client-Request-Id that identifies the
// request.
//
// The journal is one append-only file of JSON lines (orders.jsonl), 0600 in
// a 0700 directory. Each record is one write under an exclusive file lock,
// starting on a fresh line even after a torn write; readers fold the
// records of one attempt into one Entry, skip (and count) lines that do not
// parse or are too long, and never let a partial line swallow the next
// record. Lines written by earlier flexusl versions (one whole entry per
// purchase, with order_id, instance_ids and client_request_id) are read as
// entries of kind "purchase".
package journal

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/flexusl/flexusl/pkg/filelock"
)

// States of an attempt.
const (
	// StateSending: the attempt was recorded and its request was about to
	// leave. An attempt still in this state when read has no recorded
	// outcome: Read reports it as StateUnknown with NoOutcome set.
	StateSending = "sending"
	// StateAccepted: the server answered that it took the request (an
	// order ID, a job ID).
	StateAccepted = "accepted"
	// StateUnknown: the request was sent, but whether the server acted on
	// it is not known (5xx, timeout, connection lost, interrupted).
	StateUnknown = "unknown"
	// StateRejected: the server answered with an error: it did not act.
	StateRejected = "rejected"
	// StateNotSent: the request never reached the server.
	StateNotSent = "not_sent"
)

// Caps on what one record stores, so that no server answer can make a
// line that readers struggle with.
const (
	MaxErrorBytes = 2048 // of an error text (a server's error_msg may be megabytes)
	MaxTextBytes  = 1024 // of any other text field
	MaxIDs        = 1000 // IDs per list
	MaxIDBytes    = 256  // per ID
	// MaxLineBytes is the longest line a reader accepts; longer lines are
	// skipped and counted. Records written with the caps above stay far
	// below it.
	MaxLineBytes = 1 << 20
)

// Entry is one attempt: the record written before sending folded with its
// outcome.
type Entry struct {
	Attempt   string    `json:"attempt,omitempty"` // the attempt's ID in the journal ("" for entries of old versions)
	Time      time.Time `json:"time"`              // when the attempt began
	Profile   string    `json:"profile,omitempty"`
	Kind      string    `json:"kind"`
	Operation string    `json:"operation,omitempty"`  // e.g. "POST /v1/light-instances"
	RequestID string    `json:"request_id,omitempty"` // the Client-Request-Id sent
	Region    string    `json:"region,omitempty"`

	// The request, for people: what a purchase buys.
	Name     string `json:"name,omitempty"`
	Spec     string `json:"spec,omitempty"`
	Image    string `json:"image,omitempty"`
	Quantity int    `json:"quantity,omitempty"`

	OrderIDs    []string `json:"order_ids,omitempty"`
	ResourceIDs []string `json:"resource_ids,omitempty"` // acted on, or (purchases) created
	JobIDs      []string `json:"job_ids,omitempty"`

	State     string     `json:"state"`
	Error     string     `json:"error,omitempty"`
	Finished  *time.Time `json:"finished,omitempty"`   // when the outcome was recorded
	NoOutcome bool       `json:"no_outcome,omitempty"` // begun, but no outcome recorded (killed, or still running)
}

// InSeconds is e with its times in whole seconds UTC, as commands print
// times (the journal itself keeps nanoseconds, to order attempts).
func (e Entry) InSeconds() Entry {
	e.Time = e.Time.UTC().Truncate(time.Second)
	if e.Finished != nil {
		fin := e.Finished.UTC().Truncate(time.Second)
		e.Finished = &fin
	}
	return e
}

// OrderID is the first order ID, or "".
func (e Entry) OrderID() string {
	if len(e.OrderIDs) == 0 {
		return ""
	}
	return e.OrderIDs[0]
}

// Outcome is what Finish records.
type Outcome struct {
	State       string // StateAccepted, StateUnknown, StateRejected or StateNotSent
	OrderIDs    []string
	ResourceIDs []string
	JobIDs      []string
	Error       string
}

// record is one line: a begin record (an Entry with state "sending"), an
// outcome record (attempt, time, state and results), or an entry of an
// old version (no attempt; legacy field names).
type record struct {
	Entry
	// Fields of journals written before the write-ahead journal.
	LegacyRequestID   string   `json:"client_request_id,omitempty"`
	LegacyOrderID     string   `json:"order_id,omitempty"`
	LegacyInstanceIDs []string `json:"instance_ids,omitempty"`
}

// outcomeRecord is the line Finish writes.
type outcomeRecord struct {
	Attempt     string    `json:"attempt"`
	Time        time.Time `json:"time"`
	State       string    `json:"state"`
	OrderIDs    []string  `json:"order_ids,omitempty"`
	ResourceIDs []string  `json:"resource_ids,omitempty"`
	JobIDs      []string  `json:"job_ids,omitempty"`
	Error       string    `json:"error,omitempty"`
}

// Attempt is a begun attempt; Finish records its outcome.
type Attempt struct {
	path  string
	entry Entry
	now   func() time.Time
}

// ID is the attempt's ID in the journal.
func (a *Attempt) ID() string { return a.entry.Attempt }

// Entry is the attempt as begun.
func (a *Attempt) Entry() Entry { return a.entry }

// Begin records an attempt as "sending" and syncs it to disk. Call it
// before the request leaves; when it fails, do not send. e.Kind is
// required; e.Time defaults to now.
func Begin(path string, e Entry) (*Attempt, error) {
	if e.Kind == "" {
		return nil, errors.New("journal: an attempt needs a kind")
	}
	id, err := newID()
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	e.Attempt, e.State, e.Finished, e.NoOutcome = id, StateSending, nil, false
	e.Error = capText(e.Error, MaxErrorBytes)
	for _, s := range []*string{&e.Profile, &e.Kind, &e.Operation, &e.RequestID, &e.Region, &e.Name, &e.Spec, &e.Image} {
		*s = capText(*s, MaxTextBytes)
	}
	e.OrderIDs, e.ResourceIDs, e.JobIDs = capIDs(e.OrderIDs), capIDs(e.ResourceIDs), capIDs(e.JobIDs)
	if err := appendRecord(path, e); err != nil {
		return nil, err
	}
	return &Attempt{path: path, entry: e, now: time.Now}, nil
}

// Finish records the attempt's outcome and syncs it to disk. Call it
// before printing anything about the outcome. Error texts are capped at
// MaxErrorBytes, ID lists at MaxIDs.
func (a *Attempt) Finish(o Outcome) error {
	switch o.State {
	case StateAccepted, StateUnknown, StateRejected, StateNotSent:
	default:
		return fmt.Errorf("journal: %q is not an outcome", o.State)
	}
	return appendRecord(a.path, outcomeRecord{
		Attempt: a.entry.Attempt, Time: a.now().UTC(), State: o.State,
		OrderIDs: capIDs(o.OrderIDs), ResourceIDs: capIDs(o.ResourceIDs), JobIDs: capIDs(o.JobIDs),
		Error: capText(o.Error, MaxErrorBytes),
	})
}

func newID() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// capText cuts s to at most n bytes on a character boundary, saying how
// much was cut.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - 40
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d more bytes not stored)", s[:cut], len(s)-cut)
}

func capIDs(ids []string) []string {
	if ids == nil {
		return nil
	}
	out := make([]string, 0, min(len(ids), MaxIDs+1))
	for i, id := range ids {
		if i == MaxIDs {
			out = append(out, fmt.Sprintf("... (%d more not stored)", len(ids)-MaxIDs))
			break
		}
		out = append(out, capText(id, MaxIDBytes))
	}
	return out
}

// appendRecord writes v as one line with one write, under an exclusive
// lock, starting on a fresh line, and syncs it (and, for a new file, its
// directory) to disk.
func appendRecord(path string, v any) error {
	line, err := encodeRecord(v)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	_, statErr := os.Stat(path)
	created := errors.Is(statErr, fs.ErrNotExist)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	if err := filelock.Lock(f); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer filelock.Unlock(f)
	// A write cut short (disk full, crash) leaves a line without its
	// newline: start on a fresh line so this record is not glued to it.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil {
			line = onFreshLine(last[0], line)
		}
	}
	if _, err := f.Write(line); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if created {
		syncDir(dir)
	}
	return nil
}

// encodeRecord is v as one JSON line.
func encodeRecord(v any) ([]byte, error) {
	line, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return append(line, '\n'), nil
}

// onFreshLine is line, preceded by a newline when the file's last byte
// is not one.
func onFreshLine(last byte, line []byte) []byte {
	if last == '\n' {
		return line
	}
	return append([]byte{'\n'}, line...)
}

// syncDir makes a new file's directory entry durable (best effort: not
// every system can sync a directory).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Read returns the journal's attempts, oldest first, each folded with its
// outcome; an attempt with no outcome reads as StateUnknown with NoOutcome
// set. A missing journal is empty. Lines that do not parse, and lines over
// MaxLineBytes, are skipped and counted; the rest are read.
func Read(path string) (entries []Entry, skipped int, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	entries, skipped, err = parse(f)
	if err != nil {
		return entries, skipped, fmt.Errorf("journal %s: %w", path, err)
	}
	return entries, skipped, nil
}

// parse reads records from r and folds them.
func parse(r io.Reader) ([]Entry, int, error) {
	var entries []Entry
	byAttempt := map[string]int{}
	add := func(rec record) {
		e := rec.Entry
		switch {
		case e.Attempt == "":
			entries = append(entries, legacy(rec))
		case e.State == StateSending:
			byAttempt[e.Attempt] = len(entries)
			entries = append(entries, e)
		default:
			i, ok := byAttempt[e.Attempt]
			if !ok {
				// An outcome whose begin record was lost: keep what it says.
				if e.Kind == "" {
					e.Kind = KindPurchase
				}
				byAttempt[e.Attempt] = len(entries)
				entries = append(entries, e)
				return
			}
			b := &entries[i]
			b.State, b.Error = e.State, e.Error
			t := e.Time
			b.Finished = &t
			if len(e.OrderIDs) > 0 {
				b.OrderIDs = e.OrderIDs
			}
			if len(e.ResourceIDs) > 0 {
				b.ResourceIDs = e.ResourceIDs
			}
			if len(e.JobIDs) > 0 {
				b.JobIDs = e.JobIDs
			}
		}
	}
	skipped, err := eachLine(r, MaxLineBytes, func(line []byte) int {
		return decodeLine(line, add)
	})
	for i := range entries {
		if entries[i].State == StateSending {
			entries[i].State, entries[i].NoOutcome = StateUnknown, true
		}
	}
	return entries, skipped, err
}

// legacy converts an entry of an old version.
func legacy(rec record) Entry {
	e := rec.Entry
	if e.Kind == "" {
		e.Kind = KindPurchase
	}
	if e.RequestID == "" {
		e.RequestID = rec.LegacyRequestID
	}
	if len(e.OrderIDs) == 0 && rec.LegacyOrderID != "" {
		e.OrderIDs = []string{rec.LegacyOrderID}
	}
	if len(e.ResourceIDs) == 0 && len(rec.LegacyInstanceIDs) > 0 {
		e.ResourceIDs = rec.LegacyInstanceIDs
	}
	if e.State == StateSending {
		e.State = StateUnknown
	}
	return e
}

// eachLine calls fn with every non-blank line of r (newline included) up
// to max bytes long; longer lines are skipped whole. It returns the lines
// skipped: the long ones plus what fn reports.
func eachLine(r io.Reader, max int, fn func([]byte) int) (int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	skipped, tooLong := 0, false
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > max {
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return skipped, err
		}
		switch {
		case tooLong:
			skipped++
		case len(bytes.TrimSpace(buf)) > 0:
			skipped += fn(buf)
		}
		buf, tooLong = buf[:0], false
		if err != nil {
			return skipped, nil
		}
	}
}

// recordStarts are how records begin: new ones with "attempt", old ones
// with "time". A reader resynchronises on them after a torn record.
var recordStarts = [][]byte{[]byte(`{"attempt":`), []byte(`{"time":`)}

// maxResyncs bounds the work on one damaged line.
const maxResyncs = 16

// decodeLine reads the records on one line: normally one, but a record
// whose write was cut short (no newline) may be followed on the same line
// by the next one. Whatever does not decode is skipped, up to the next
// place a record starts. It returns how many damaged pieces it skipped.
func decodeLine(line []byte, add func(record)) int {
	skipped, pos := 0, 0
	for resyncs := 0; resyncs <= maxResyncs; {
		for pos < len(line) && isSpace(line[pos]) {
			pos++
		}
		if pos >= len(line) {
			return skipped
		}
		dec := json.NewDecoder(bytes.NewReader(line[pos:]))
		var rec record
		if err := dec.Decode(&rec); err == nil && rec.State != "" {
			add(rec)
			pos += int(dec.InputOffset())
			continue
		}
		skipped++
		resyncs++
		next := nextStart(line, pos+1)
		if next < 0 {
			return skipped
		}
		pos = next
	}
	return skipped + 1
}

func nextStart(line []byte, from int) int {
	best := -1
	for _, s := range recordStarts {
		if i := bytes.Index(line[from:], s); i >= 0 && (best < 0 || from+i < best) {
			best = from + i
		}
	}
	return best
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// Newest returns entries newest first.
func Newest(entries []Entry) []Entry {
	out := make([]Entry, len(entries))
	for i, e := range entries {
		out[len(entries)-1-i] = e
	}
	return out
}

// FindOrder returns the entry that placed orderID (the purchase, renewal
// or unsubscription that holds it: what it bought, its region, its
// instances), else the newest entry that acted on it (a payment or a
// cancellation), so that paying an order does not hide what it bought.
func FindOrder(entries []Entry, orderID string) (Entry, bool) {
	actedOn := -1
	for i := len(entries) - 1; i >= 0; i-- {
		if !slices.Contains(entries[i].OrderIDs, orderID) {
			continue
		}
		if !KindOf(entries[i].Kind).OnOrder {
			return entries[i], true
		}
		if actedOn < 0 {
			actedOn = i
		}
	}
	if actedOn >= 0 {
		return entries[actedOn], true
	}
	return Entry{}, false
}

// FindJob returns the newest entry holding the ECS job jobID.
func FindJob(entries []Entry, jobID string) (Entry, bool) {
	for i := len(entries) - 1; i >= 0; i-- {
		if slices.Contains(entries[i].JobIDs, jobID) {
			return entries[i], true
		}
	}
	return Entry{}, false
}

// Unresolved returns the attempts of kind and profile whose outcome is
// unknown and that are newer than the newest such attempt with a known
// outcome, oldest first: what the next attempt of that kind should warn
// about, since any of them may have acted.
func Unresolved(entries []Entry, kind, profile string) []Entry {
	var out []Entry
	for _, e := range entries {
		if e.Kind != kind || e.Profile != profile {
			continue
		}
		if e.State == StateUnknown {
			out = append(out, e)
		} else {
			out = out[:0]
		}
	}
	return out
}

// DefaultPath is $XDG_STATE_HOME/flexusl/orders.jsonl, else
// ~/.local/state/flexusl/orders.jsonl. XDG_STATE_HOME counts only when it
// is an absolute path (the XDG spec says relative ones are ignored); the
// home directory is $HOME, else os.UserHomeDir. A journal never lives
// under a relative path: without an absolute home it is an error.
//
// FLEXUSL_STATE_DIR, when set, holds the journal (and the completion
// cache, pkg/cache) instead: the sandbox's export line sets it, so what is
// tried against a sandbox stays out of the real journal. It must be an
// absolute path.
func DefaultPath(getenv func(string) string) (string, error) {
	if d := getenv(StateDirEnv); d != "" {
		if !filepath.IsAbs(d) {
			return "", fmt.Errorf("cannot place the order journal: %s %q is not an absolute path", StateDirEnv, d)
		}
		return filepath.Join(d, "orders.jsonl"), nil
	}
	base, err := StateBase(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "orders.jsonl"), nil
}

// StateDirEnv names the variable that moves the journal and the cache to a
// directory of their own (see DefaultPath).
const StateDirEnv = "FLEXUSL_STATE_DIR"

// StateBase is flexusl's state directory, whatever FLEXUSL_STATE_DIR says:
// $XDG_STATE_HOME/flexusl, else ~/.local/state/flexusl.
func StateBase(getenv func(string) string) (string, error) {
	if x := getenv("XDG_STATE_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "flexusl"), nil
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("cannot place the order journal: %v; set HOME or XDG_STATE_HOME to an absolute path", err)
		}
		home = h
	}
	if !filepath.IsAbs(home) {
		return "", fmt.Errorf("cannot place the order journal: the home directory %q is not an absolute path; set HOME or XDG_STATE_HOME to an absolute path", home)
	}
	return filepath.Join(home, ".local", "state", "flexusl"), nil
}
