//go:build linux && !race

package engine

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sysRead is read(2) on a non-blocking socket without entering the
// runtime's system-call state (see rawIO).
func sysRead(fd uintptr, p []byte) (int, syscall.Errno) {
	n, _, e := unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(n), 0
}

// sysWrite is write(2) on a non-blocking socket, like sysRead.
func sysWrite(fd uintptr, p []byte) (int, syscall.Errno) {
	n, _, e := unix.RawSyscall(unix.SYS_WRITE, fd, uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(n), 0
}
