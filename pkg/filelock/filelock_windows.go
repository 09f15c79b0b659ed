//go:build windows

package filelock

import (
	"os"

	"golang.org/x/sys/windows"
)

// The whole file: LockFileEx locks a byte range; this one covers any size.
const allBytes = ^uint32(0)

func lock(f *os.File) error {
	ol := new(windows.Overlapped)
	return windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK, 0, allBytes, allBytes, ol)
}

func unlock(f *os.File) error {
	ol := new(windows.Overlapped)
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, allBytes, allBytes, ol)
}
