//go:build !unix && !windows

package filelock

import "os"

// Other systems (plan9, wasm) have no advisory locks: one process at a time
// is assumed.
func lock(*os.File) error   { return nil }
func unlock(*os.File) error { return nil }
