// Package e2e holds flexusl's end-to-end tests: they build the flexusl
// binary from the repository root (TestMain in main_test.go) and run it as a
// user would, against a sandbox, on a pseudo-terminal, under signals, through
// make. It also holds the start-up and load benchmarks (make bench).
//
// The testscripts they run are in ../testdata/script; run one with
//
//	go test -run 'TestScripts/NAME' ./e2e
//
// The package has no code of its own: this file only documents it.
package e2e
