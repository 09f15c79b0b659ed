package api

import (
	"context"
	"fmt"
)

// Bounds of a listing: a server (or something posing as one) must not be
// able to make flexusl send requests, hold memory or print rows without
// end. Each bound is far beyond any real account.
const (
	// MaxRMSPages bounds an RMS listing (200 a page: 20,000 instances).
	MaxRMSPages = 100
	// MaxBSSPages bounds a BSS offset listing: orders (100 a page: 10,000
	// orders) or the subscriptions of one call's resource IDs (50).
	MaxBSSPages = 100
)

// PagingError: a service's listing broke a bound (too many pages, a marker
// that comes back, more entries on a page than asked for). Nothing more is
// requested; what was read so far is not used.
type PagingError struct {
	Service Service
	Op      string
	Reason  string
}

func (e *PagingError) Error() string {
	return fmt.Sprintf("%s: %s %s; stopped (flexusl bounds every listing; if the account really holds this much, narrow the listing)", e.Op, e.Service.Name(), e.Reason)
}

// pager bounds one listing's loop: at most max pages, and no page marker
// (or offset) asked for twice (A->B->A would go round for ever).
type pager struct {
	service Service
	op      string
	max     int
	pages   int
	seen    map[string]bool
}

func newPager(s Service, op string, max int) *pager {
	return &pager{service: s, op: op, max: max, seen: map[string]bool{}}
}

// next is called before each page is requested, with its marker (or
// offset): an error when the bound is reached or the marker was asked for
// already.
func (p *pager) next(marker string) error {
	switch {
	case p.seen[marker]:
		return &PagingError{p.service, p.op, fmt.Sprintf("named page marker %q again after %d page(s): its pages go round in a loop", capText(marker), p.pages)}
	case p.pages >= p.max:
		return &PagingError{p.service, p.op, fmt.Sprintf("keeps answering with more pages: over %d page(s)", p.max)}
	}
	p.seen[marker] = true
	p.pages++
	return nil
}

// checkEntries refuses a page whose array at key (in the top-level
// object) holds more than max entries, before it is decoded: a few MiB of
// "{}" would otherwise become millions of entries (GBs of memory, and as
// many rows printed).
func checkEntries(s Service, op string, body []byte, key string, max int) error {
	if n := countArray(body, key, max); n > max {
		return &PagingError{s, op, fmt.Sprintf("answered more than %d entries in %q on one page (asked for at most %d)", max, key, max)}
	}
	return nil
}

// countArray counts the entries of the array at key in body's top-level
// object, stopping at limit+1. Anything it cannot read counts as 0: the
// decoder reports malformed JSON.
func countArray(body []byte, key string, limit int) int {
	depth, n := 0, 0
	inArray := false // in the array at key, at depth 2
	counting := false
	lastKey := ""
	empty := true
	for i := 0; i < len(body); i++ {
		switch c := body[i]; c {
		case '"':
			j := i + 1
			for j < len(body) && body[j] != '"' {
				if body[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(body) {
				return 0
			}
			if depth == 1 {
				lastKey = string(body[i+1 : j])
			}
			if inArray && depth == 2 && empty {
				empty = false
				n++
			}
			i = j
		case '{', '[':
			if inArray && depth == 2 && empty {
				empty = false
				n++
			}
			depth++
			if depth == 2 && c == '[' && lastKey == key && !counting {
				inArray, counting = true, true
				empty = true
			}
		case '}', ']':
			depth--
			if depth == 1 && inArray {
				inArray = false
			}
		case ',':
			if inArray && depth == 2 {
				empty = true
			}
		case ' ', '\t', '\r', '\n', ':':
		default: // numbers, true, false, null
			if inArray && depth == 2 && empty {
				empty = false
				n++
			}
		}
		if n > limit {
			return n
		}
	}
	return n
}

// doPage reads one page of a listing (an Idempotent read) whose array at
// key may hold at most max entries, counted before decoding.
func (c *Client) doPage(ctx context.Context, op *Op, out any, key string, max int) error {
	resp, err := c.Do(ctx, op, Idempotent)
	if err != nil {
		return err
	}
	if err := checkEntries(op.Call.Service(), op.Name, resp.Body, key, max); err != nil {
		return err
	}
	return c.decodeAnswer(op, Idempotent, resp, out)
}
