//go:build !linux

package engine

import "net"

// rawIO is Linux's; elsewhere the connection's own Read and Write are used.
type rawIO struct{ net.Conn }

// newRawIO returns nil: there is no raw I/O on this system.
func newRawIO(net.Conn) *rawIO { return nil }
