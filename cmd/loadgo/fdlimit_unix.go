//go:build unix

package main

import "syscall"

// processFDLimit returns the process's open-file limit (0 when unknown).
// The Go runtime raises the soft limit to the hard limit at start-up, so
// this is the limit loadgo really runs under.
func processFDLimit() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<30 {
		return 0
	}
	return int(rl.Cur)
}
