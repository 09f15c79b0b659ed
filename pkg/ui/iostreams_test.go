package ui

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

// A line of stdin is read up to MaxLine bytes (newline included); a
// longer one is ErrLineTooLong, whatever the reader's buffer size.
func TestReadLineBound(t *testing.T) {
	for _, tt := range []struct {
		in   string
		max  int
		want string
		err  error
	}{
		{"abc\nrest", 8, "abc\n", nil},
		{"abc", 8, "abc", io.EOF},
		{"abcdefg\n", 8, "abcdefg\n", nil},
		{"abcdefgh\n", 8, "", ErrLineTooLong},
		{strings.Repeat("x", 5000) + "\n", 5001, strings.Repeat("x", 5000) + "\n", nil},
		{strings.Repeat("x", 5001) + "\n", 5001, "", ErrLineTooLong},
		{strings.Repeat("x", 9000), 5001, "", ErrLineTooLong},
	} {
		got, err := readLine(bufio.NewReaderSize(strings.NewReader(tt.in), 16), tt.max)
		if got != tt.want || !errors.Is(err, tt.err) && err != tt.err {
			t.Errorf("%.20q max %d: %.20q %v", tt.in, tt.max, got, err)
		}
	}
	s, in, _, _ := Test()
	in.WriteString(strings.Repeat("p", MaxLine) + "\n")
	if _, err := s.ReadSecretLine(); !errors.Is(err, ErrLineTooLong) {
		t.Errorf("%v", err)
	}
}
