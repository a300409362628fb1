package engine

import (
	"context"
	"fmt"
	"net"
	"sync/atomic"
)

// The connection cap bounds the connections open at once across every VU
// and protocol, so that a typo in a plan (arrivalRate: 100000) runs into a
// clear, counted error instead of the process's open-file limit ("too many
// open files" from every socket, log file and output at once). Every dial
// goes through one connLimiter: the HTTP transports' DialContext, the lean
// client's dial, and the WebSocket (and so STOMP) dialer; SSE and polling
// ride on the VU's HTTP transport. A connection holds its slot until it is
// closed, idle keep-alive connections included: they hold a descriptor too.
//
// Reaching the cap never blocks: waiting for a slot could wait forever on
// idle keep-alive connections of other VUs. The dial fails at once with a
// *ConnCapError, counted as metrics.ErrConnCap ("conncap"), and the first
// failure writes one warning to the log.

// ConnCapError is the error of a dial refused because the connection cap
// is reached. Requests that fail with it are counted under the error kind
// "conncap".
type ConnCapError struct {
	// Max is the cap.
	Max int
}

// Error implements error.
func (e *ConnCapError) Error() string {
	return fmt.Sprintf("connection cap %d reached: no new connection opened", e.Max)
}

// connLimiter counts open connections against a cap. A nil *connLimiter
// has no cap and dials directly.
type connLimiter struct {
	max     int64
	open    atomic.Int64
	refused atomic.Int64
	warned  atomic.Bool
	// warn writes the one warning; it is called at most once.
	warn func(line []byte)
}

// newConnLimiter returns a limiter for max connections, or nil for no cap
// (max <= 0).
func newConnLimiter(max int, warn func(line []byte)) *connLimiter {
	if max <= 0 {
		return nil
	}
	return &connLimiter{max: int64(max), warn: warn}
}

// acquire takes a slot, or fails with a *ConnCapError.
func (l *connLimiter) acquire() error {
	for {
		n := l.open.Load()
		if n >= l.max {
			l.refused.Add(1)
			if l.warned.CompareAndSwap(false, true) && l.warn != nil {
				l.warn([]byte(fmt.Sprintf(
					"warning: connection cap %d reached: new connections fail and count as errors.conncap until others close; raise it with --max-conns or config.http.maxConnections (and the open-file limit, ulimit -n, with it)\n",
					l.max)))
			}
			return &ConnCapError{Max: int(l.max)}
		}
		if l.open.CompareAndSwap(n, n+1) {
			return nil
		}
	}
}

// dial dials addr with d within the cap. The returned connection gives its
// slot back when it is closed.
func (l *connLimiter) dial(ctx context.Context, d *net.Dialer, network, addr string) (net.Conn, error) {
	if l == nil {
		return d.DialContext(ctx, network, addr)
	}
	if err := l.acquire(); err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		l.open.Add(-1)
		return nil, err
	}
	return &cappedConn{Conn: c, l: l}, nil
}

// dialer returns d's DialContext within the cap, for http.Transport and
// websocket.Dialer.
func (l *connLimiter) dialer(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if l == nil {
		return d.DialContext
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		return l.dial(ctx, d, network, addr)
	}
}

// cappedConn is a connection holding a slot of its limiter.
type cappedConn struct {
	net.Conn
	l      *connLimiter
	closed atomic.Bool
}

// Close closes the connection and gives its slot back, once.
func (c *cappedConn) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.l.open.Add(-1)
	}
	return c.Conn.Close()
}

// ConnCap returns the connection cap in force (0: none) and how many dials
// it refused so far.
func (p *Program) ConnCap() (limit int, refused int64) {
	if p.http.conns == nil {
		return 0, 0
	}
	return int(p.http.conns.max), p.http.conns.refused.Load()
}

// OpenConns returns how many connections are open now under the cap (0
// without a cap). Once every VU is closed it is zero again.
func (p *Program) OpenConns() int64 {
	if p.http.conns == nil {
		return 0
	}
	return p.http.conns.open.Load()
}

// warn writes a warning line to the log, if there is one.
func (p *Program) warn(line []byte) {
	if p.log != nil {
		p.writeLog(line)
	}
}
