//go:build unix

package instance

import (
	"os"
	"syscall"
)

// Exec replaces the running process with the program at path (argv[0]
// first), keeping the environment and the streams. It returns only when
// that fails.
func Exec(path string, argv []string) error {
	return syscall.Exec(path, argv, os.Environ())
}
