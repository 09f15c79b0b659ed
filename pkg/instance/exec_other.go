//go:build !unix

package instance

import (
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/flexusl/flexusl/pkg/exitcode"
)

// Exec runs the program at path (argv[0] first) with this process's
// environment and streams, and returns its exit status as an exit code
// (an *exitcode.Error), since this OS cannot replace the process.
func Exec(path string, argv []string) error {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return exitcode.New(ee.ExitCode(), fmt.Errorf("%s exited with status %d", argv[0], ee.ExitCode()))
	}
	return err
}
