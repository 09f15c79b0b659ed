//go:build !windows

package ui

import "os"

// enableVT reports whether the terminal behind f understands escape
// sequences: terminals outside Windows do.
func enableVT(*os.File) bool { return true }
