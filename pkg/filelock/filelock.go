// Package filelock serialises read-modify-write cycles on a file between
// processes with an advisory lock on an open file: flock(2) on Unix,
// LockFileEx on Windows. Every flexusl process that changes the config
// file or appends to the journal takes it, so concurrent runs never lose
// each other's writes.
package filelock

import (
	"fmt"
	"os"
)

// Lock blocks until it holds the exclusive lock on f.
func Lock(f *os.File) error {
	if err := lock(f); err != nil {
		return fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return nil
}

// Unlock releases the lock on f (closing f releases it too).
func Unlock(f *os.File) error {
	if err := unlock(f); err != nil {
		return fmt.Errorf("unlock %s: %w", f.Name(), err)
	}
	return nil
}

// LockPath opens (creating, 0600) the lock file at path and locks it. The
// returned function unlocks and closes it. The lock file stays: removing
// it would let two processes hold locks on two different files.
func LockPath(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	if err := Lock(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		Unlock(f)
		f.Close()
	}, nil
}
