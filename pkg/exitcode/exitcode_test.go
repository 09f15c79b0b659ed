package exitcode

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

type coded struct{}

func (coded) Error() string { return "coded" }
func (coded) ExitCode() int { return 3 }

func TestOf(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("x"), 1},
		{Errorf(Usage, "bad"), 2},
		{fmt.Errorf("wrapped: %w", New(Timeout, errors.New("t"))), 5},
		{fmt.Errorf("api: %w", coded{}), 3},
		{fmt.Errorf("x: %w", context.Canceled), 130},
		{fmt.Errorf("apply: %w", Quietf(Changes, "2 pending")), 6},
	}
	for _, tt := range tests {
		if got := Of(tt.err); got != tt.want {
			t.Errorf("Of(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
	if New(1, nil) != nil {
		t.Error("New(nil) not nil")
	}
}
