package instance_test

import (
	"strings"
	"testing"
)

// Instance names come from RMS: the reset-password confirmation shows
// them with control characters escaped.
func TestResetPasswordConfirmationEscapesNames(t *testing.T) {
	c := newCloud(t, 1, "ap-southeast-3")
	c.instances[0].name = "web\x1b[2J\x1b[Hok\u009b31m"
	r := c.run(t, true, "n\n", goodPassword, "instance", "reset-password", "6743d0e3708be6007b8c0001")
	if r.code != 2 || !strings.Contains(r.err, "6743d0e3708be6007b8c0001  web^[[2J^[[Hok^[[31m  ap-southeast-3") {
		t.Fatalf("exit %d: %q", r.code, r.err)
	}
	noControls(t, "confirmation", r.err)
}
