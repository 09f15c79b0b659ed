package cmdutil

import (
	"crypto/rand"
	"encoding/hex"
)

// NewRequestID returns a fresh random UUID (version 4, RFC 9562), the
// default Client-Request-Id of a purchase. It is made here rather than with
// github.com/google/uuid, whose package initialisation parses four UUIDs
// and pulls in database/sql/driver at every program start.
func NewRequestID() string {
	var b [16]byte
	rand.Read(b[:])         // never fails (crypto/rand, Go 1.24+)
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // variant 10
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}
