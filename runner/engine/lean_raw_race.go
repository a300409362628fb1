//go:build linux && race

package engine

import (
	"errors"
	"syscall"
)

// sysRead is syscall.Read under the race detector: its annotations make a
// byte received happen after the peer's write of it (see rawIO).
func sysRead(fd uintptr, p []byte) (int, syscall.Errno) {
	n, err := syscall.Read(int(fd), p)
	return errnoOf(n, err)
}

// sysWrite is syscall.Write under the race detector, like sysRead.
func sysWrite(fd uintptr, p []byte) (int, syscall.Errno) {
	n, err := syscall.Write(int(fd), p)
	return errnoOf(n, err)
}

func errnoOf(n int, err error) (int, syscall.Errno) {
	if err != nil {
		var e syscall.Errno
		if !errors.As(err, &e) {
			e = syscall.EIO
		}
		return 0, e
	}
	return n, 0
}
