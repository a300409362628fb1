//go:build !unix

package main

// processFDLimit returns 0 (unknown) where there is no RLIMIT_NOFILE: no
// default connection cap is derived from it.
func processFDLimit() int { return 0 }
