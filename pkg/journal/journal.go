// Package journal is the local order journal: one JSON line per purchase
// attempt, appended and synced before anything about the purchase is
// printed, so an order ID is never lost with a closed terminal.
package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// States of an entry.
const (
	StateAccepted = "accepted" // the API answered with an order ID
	StateUnknown  = "unknown"  // sent, but whether an order exists is unknown
)

// Entry is one purchase attempt.
type Entry struct {
	Time            time.Time `json:"time"`
	Profile         string    `json:"profile"`
	Region          string    `json:"region"`
	Name            string    `json:"name"`
	Spec            string    `json:"spec"`
	Image           string    `json:"image"`
	Quantity        int       `json:"quantity"`
	ClientRequestID string    `json:"client_request_id"`
	OrderID         string    `json:"order_id,omitempty"`
	InstanceIDs     []string  `json:"instance_ids,omitempty"`
	State           string    `json:"state"`
	Error           string    `json:"error,omitempty"`
}

// DefaultPath is $XDG_STATE_HOME/flexusl/orders.jsonl, else
// ~/.local/state/flexusl/orders.jsonl.
func DefaultPath(getenv func(string) string) string {
	if x := getenv("XDG_STATE_HOME"); x != "" {
		return filepath.Join(x, "flexusl", "orders.jsonl")
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".local", "state", "flexusl", "orders.jsonl")
}

// Append writes e as one line with a single write (O_APPEND), 0600 in a
// 0700 directory, and syncs it to disk before returning.
func Append(path string, e Entry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("journal: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("journal: %w", err)
	}
	return f.Close()
}

// Read returns the entries, oldest first. A missing journal is empty; lines
// that do not parse are skipped and counted.
func Read(path string) (entries []Entry, skipped int, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("journal: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		l := bytes.TrimSpace(sc.Bytes())
		if len(l) == 0 {
			continue
		}
		var e Entry
		if json.Unmarshal(l, &e) != nil {
			skipped++
			continue
		}
		entries = append(entries, e)
	}
	return entries, skipped, nil
}

// Newest returns entries newest first.
func Newest(entries []Entry) []Entry {
	out := make([]Entry, len(entries))
	for i, e := range entries {
		out[len(entries)-1-i] = e
	}
	return out
}

// FindOrder returns the newest entry for orderID.
func FindOrder(entries []Entry, orderID string) (Entry, bool) {
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].OrderID == orderID {
			return entries[i], true
		}
	}
	return Entry{}, false
}
