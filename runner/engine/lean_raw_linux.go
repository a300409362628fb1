package engine

import (
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// rawIO reads and writes a lean connection's socket with raw non-blocking
// system calls inside syscall.RawConn's Read and Write, which wait through
// the runtime's poller and keep the connection's deadlines. Unlike
// net.Conn's Read and Write it does not enter the runtime's system-call
// state: on an idle process each such entry wakes the runtime's monitor
// thread, whose futex wake-up and context switch sat between the
// response's arrival and its read (three context switches per request
// instead of wrk's one; docs/BENCHMARKS.md). The calls cannot block: the
// socket is non-blocking, so EAGAIN sends the goroutine to the poller.
// Under the race detector sysRead and sysWrite are syscall.Read and Write,
// whose annotations carry the happens-before edge of a byte sent and
// received that tests rely on.
type rawIO struct {
	c  net.Conn
	rc syscall.RawConn
	// p, n and errno carry one call's buffer and result through the
	// callbacks, which are bound once so that a call allocates nothing.
	p       []byte
	n       int
	errno   syscall.Errno
	readFn  func(fd uintptr) bool
	writeFn func(fd uintptr) bool
}

// newRawIO returns raw I/O for c, or nil when c is not a socket that has
// one (then c's own Read and Write are used).
func newRawIO(c net.Conn) *rawIO {
	if cc, ok := c.(*cappedConn); ok {
		c = cc.Conn
	}
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	r := &rawIO{c: c, rc: rc}
	r.readFn, r.writeFn = r.doRead, r.doWrite
	return r
}

func (r *rawIO) doRead(fd uintptr) bool {
	for {
		n, e := sysRead(fd, r.p)
		if e != unix.EINTR {
			return r.done(n, e)
		}
	}
}

func (r *rawIO) doWrite(fd uintptr) bool {
	for {
		n, e := sysWrite(fd, r.p)
		if e != unix.EINTR {
			return r.done(n, e)
		}
	}
}

// done keeps a call's result for Read or Write; false (EAGAIN) tells
// RawConn to wait for the poller and call again.
func (r *rawIO) done(n int, e syscall.Errno) bool {
	if e == unix.EAGAIN {
		return false
	}
	r.n, r.errno = n, e
	return true
}

// Read reads like net.Conn's Read: io.EOF at the end of the stream, a
// *net.OpError for a system call's error, a deadline's or a closed
// connection's error as RawConn reports them.
func (r *rawIO) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r.p = p
	err := r.rc.Read(r.readFn)
	r.p = nil
	switch {
	case err != nil:
		return 0, renameOp(err, "read")
	case r.errno != 0:
		return 0, r.opError("read")
	case r.n == 0:
		return 0, io.EOF
	}
	return r.n, nil
}

// Write writes all of p, waiting for the socket to take it.
func (r *rawIO) Write(p []byte) (int, error) {
	done := 0
	for done < len(p) {
		r.p = p[done:]
		err := r.rc.Write(r.writeFn)
		r.p = nil
		switch {
		case err != nil:
			return done, renameOp(err, "write")
		case r.errno != 0:
			return done, r.opError("write")
		}
		done += r.n
	}
	return done, nil
}

// renameOp names RawConn's "raw-read" and "raw-write" errors (deadlines,
// closed connections) "read" and "write", as net.Conn's would be: users
// see these in error messages.
func renameOp(err error, op string) error {
	var oe *net.OpError
	if errors.As(err, &oe) && strings.HasPrefix(oe.Op, "raw-") {
		oe.Op = op
	}
	return err
}

func (r *rawIO) opError(op string) error {
	return &net.OpError{Op: op, Net: "tcp", Source: r.c.LocalAddr(), Addr: r.c.RemoteAddr(), Err: os.NewSyscallError(op, r.errno)}
}
