package engine

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
)

// The lean client is the hot path for plain-HTTP/1.1 requests of a VU with
// its own pool (the default): the VU's goroutine writes the request and
// reads the response on its one keep-alive connection itself, with no
// per-request goroutines, channels or header maps. The profile of
// net/http's client at 50 VUs showed about half of loadgo's user CPU in the
// transport's machinery (the read and write loops, their hand-offs, header
// maps, request cloning); the lean client keeps only the system calls.
//
// It keeps net/http's observable behaviour: the same request headers
// (User-Agent, Host, Content-Length, Accept-Encoding: gzip with transparent
// decompression, the VU's cookies), cookies stored from Set-Cookie,
// redirects followed (at most 10, with net/http's method and header rules),
// 1xx responses skipped, Content-Length, chunked and close-delimited bodies,
// a whole-request timeout, cancellation by ctx, and one retry on a fresh
// connection when a reused keep-alive connection turns out to be closed.
// HTTPS (TLS, HTTP/2) and the shared pool stay on net/http, as does a
// redirect to an https URL.

// maxRedirects matches net/http's default policy.
const maxRedirects = 10

// leanBufSize sizes the connection's read buffer and the request buffer's
// initial capacity.
const leanBufSize = 4 << 10

// aLongTimeAgo is a deadline in the past: setting it makes blocked reads
// and writes return at once.
var aLongTimeAgo = time.Unix(1, 0)

// errTooManyRedirects matches net/http's message.
var errTooManyRedirects = errors.New("stopped after 10 redirects")

// leanConn is a VU's lean client: one connection, reused while the server
// keeps it alive.
type leanConn struct {
	dialer *net.Dialer
	conns  *connLimiter

	// mu guards conn and aborted against abort, which runs on ctx's
	// cancellation from another goroutine.
	mu      sync.Mutex
	conn    net.Conn
	aborted bool
	addr    string // the address conn is connected to
	br      *bufio.Reader
	sr      stampReader // conn, under br
	w       io.Writer   // conn, for requests
	reused  bool        // conn has served a response already

	ctx  context.Context
	stop func() bool // unregisters abort from ctx
	// firstHost is the host of the current request's first hop.
	firstHost string
	bodyBuf   []byte
	head      respHead

	wbuf []byte
	// resp is handed to captures and expectations; its Header is filled
	// only when they need it.
	resp http.Response
	gz   *gzip.Reader
	raw  io.Reader // the body under gz
	cl   clReader
}

func newLeanConn(s *httpSettings) *leanConn {
	return &leanConn{dialer: &net.Dialer{Timeout: s.timeout, KeepAlive: dialKeepAlive, Resolver: s.resolver}, conns: s.conns}
}

// watch makes ctx's cancellation abort the connection. The registration is
// kept while the VU keeps using the same ctx, so it costs nothing per request.
func (lc *leanConn) watch(ctx context.Context) {
	if ctx == lc.ctx {
		return
	}
	if lc.stop != nil {
		lc.stop()
	}
	lc.ctx = ctx
	lc.mu.Lock()
	lc.aborted = false
	lc.mu.Unlock()
	lc.stop = context.AfterFunc(ctx, lc.abort)
}

// abort unblocks an in-flight request; the caller sees ctx's error.
func (lc *leanConn) abort() {
	lc.mu.Lock()
	lc.aborted = true
	if lc.conn != nil {
		_ = lc.conn.SetDeadline(aLongTimeAgo)
	}
	lc.mu.Unlock()
}

// close closes the connection and stops watching ctx.
func (lc *leanConn) close() {
	if lc.stop != nil {
		lc.stop()
		lc.stop, lc.ctx = nil, nil
	}
	lc.drop()
}

// drop closes the connection.
func (lc *leanConn) drop() {
	lc.mu.Lock()
	if lc.conn != nil {
		_ = lc.conn.Close()
		lc.conn = nil
	}
	lc.mu.Unlock()
	lc.reused = false
}

// connect makes sure a connection to addr is open with the deadline set.
func (lc *leanConn) connect(ctx context.Context, addr string, deadline time.Time) error {
	if lc.conn != nil && lc.addr != addr {
		lc.drop()
	}
	if lc.conn == nil {
		dctx, cancel := context.WithDeadline(ctx, deadline)
		c, err := lc.conns.dial(dctx, lc.dialer, "tcp", addr)
		cancel()
		if err != nil {
			return err
		}
		var rw io.ReadWriter = c
		if raw := newRawIO(c); raw != nil {
			rw = raw
		}
		lc.sr, lc.w = stampReader{r: rw}, rw
		if lc.br == nil {
			lc.br = bufio.NewReaderSize(&lc.sr, leanBufSize)
		} else {
			lc.br.Reset(&lc.sr)
		}
		lc.mu.Lock()
		lc.conn, lc.addr, lc.reused = c, addr, false
		lc.mu.Unlock()
	}
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if lc.aborted {
		return context.Canceled
	}
	return lc.conn.SetDeadline(deadline)
}

// stampReader notes when a read last returned bytes: a response's latency
// ends when its last byte arrived, not after the client parsed it and ran
// its checks (on a generator that was idle while it waited, that parsing
// runs on cold caches and took tens of microseconds; docs/BENCHMARKS.md).
type stampReader struct {
	r  io.Reader
	at time.Time
}

func (s *stampReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.at = time.Now()
	}
	return n, err
}

// received returns when the response that started after start was
// complete: the time of the last read, or now when its bytes were all
// buffered before start (which only a server answering early can cause).
func (lc *leanConn) received(start time.Time) time.Time {
	if lc.sr.at.Before(start) {
		return time.Now()
	}
	return lc.sr.at
}

// leanRequest is one hop of a request on the lean path.
type leanRequest struct {
	method string
	u      *url.URL
	host   string // the Host header
	body   []byte
	// hasBody: send a body (and Content-Length), even an empty one.
	hasBody bool
	// hop counts redirects followed so far.
	hop int
}

// hostPort returns the dial address of an http URL.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	return net.JoinHostPort(u.Hostname(), "80")
}

// appendRequest writes the request head for one hop into lc.wbuf and
// returns its approximate wire size the way requestBytes counts it.
func (a *requestAction) appendRequest(vu *VU, r *leanRequest) int64 {
	lc := vu.lean
	b := append(lc.wbuf[:0], r.method...)
	b = append(b, ' ')
	start := len(b)
	if p := r.u.EscapedPath(); p != "" {
		b = append(b, p...)
	} else {
		b = append(b, '/')
	}
	if r.u.RawQuery != "" {
		b = append(b, '?')
		b = append(b, r.u.RawQuery...)
	}
	uri := len(b) - start
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, r.host...)
	b = append(b, "\r\n"...)
	n := len(r.method) + 1 + uri + len(" HTTP/1.1") + crlf + len("Host") + colonSpace + len(r.host) + crlf
	hasAE := false
	for i := range a.headers {
		h := &a.headers[i]
		// Authorization and cookies do not follow a redirect to another host.
		if r.hop > 0 && r.u.Host != lc.firstHost && (h.key == "Authorization" || h.key == "Www-Authenticate" || h.key == "Cookie") {
			continue
		}
		hasAE = hasAE || h.key == "Accept-Encoding" || h.key == "Range"
		var v []byte
		if h.fixed != nil {
			b = appendHeader(b, h.key, h.fixed[0])
			n += len(h.key) + colonSpace + len(h.fixed[0]) + crlf
			continue
		}
		vu.scratch = h.value.Append(vu.scratch[:0], &vu.scope)
		v = vu.scratch
		b = append(b, h.key...)
		b = append(b, ": "...)
		b = append(b, v...)
		b = append(b, "\r\n"...)
		n += len(h.key) + colonSpace + len(v) + crlf
	}
	if jar := vu.client.Jar; jar != nil {
		if cs := jar.Cookies(r.u); len(cs) > 0 {
			vs := len(b)
			b = append(b, "Cookie: "...)
			for i, c := range cs {
				if i > 0 {
					b = append(b, "; "...)
				}
				b = append(b, c.Name...)
				b = append(b, '=')
				b = append(b, c.Value...)
			}
			b = append(b, "\r\n"...)
			n += len(b) - vs
		}
	}
	if r.hasBody || len(r.body) > 0 {
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, int64(len(r.body)), 10)
		b = append(b, "\r\n"...)
	}
	if !hasAE && r.method != http.MethodHead {
		b = append(b, "Accept-Encoding: gzip\r\n"...)
	}
	b = append(b, "\r\n"...)
	b = append(b, r.body...)
	lc.wbuf = b
	return int64(n + crlf + len(r.body))
}

func appendHeader(b []byte, k, v string) []byte {
	b = append(b, k...)
	b = append(b, ": "...)
	b = append(b, v...)
	return append(b, "\r\n"...)
}

// leanResult is what the lean path tells run about a request.
type leanResult struct {
	status   int
	bytesIn  int64
	bytesOut int64
	// resp is set when a response was read (for captures and expectations).
	resp *http.Response
}

// roundTrip sends r and reads the response head, retrying once on a fresh
// connection when a reused one was found closed before any response byte.
func (a *requestAction) roundTrip(ctx context.Context, vu *VU, r *leanRequest, deadline time.Time, h *respHead) error {
	lc := vu.lean
	addr := hostPort(r.u)
	for attempt := 0; ; attempt++ {
		if err := lc.connect(ctx, addr, deadline); err != nil {
			return err
		}
		reused := lc.reused
		_, werr := lc.w.Write(lc.wbuf)
		err := werr
		if err == nil {
			err = h.read(lc.br, r.method, &lc.resp, a.needHeaders())
		}
		if err == nil {
			return nil
		}
		lc.drop()
		// The server closed an idle keep-alive connection as we reused it:
		// nothing was answered, so one retry on a new connection is safe for
		// requests whose repetition is harmless or that were not written.
		if reused && attempt == 0 && ctx.Err() == nil && !h.started &&
			(werr != nil || idempotent(r.method)) && isClosedConn(err) {
			continue
		}
		return err
	}
}

func idempotent(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

func isClosedConn(err error) bool {
	return classify(err) == metrics.ErrReset
}

// leanEnabled reports whether u goes over the lean path.
func (vu *VU) leanEnabled(u *url.URL) bool {
	return vu.lean != nil && u.Scheme == "http"
}

// wrapURLError makes a lean-path error look like net/http's.
func wrapURLError(method string, u *url.URL, err error) error {
	if err == nil {
		return nil
	}
	op := method[:1] + toLowerASCII(method[1:])
	return &url.Error{Op: op, URL: u.String(), Err: err}
}

func toLowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// redirectTarget returns the next hop of a redirect response, or nil when
// the response is final. It applies net/http's rules: 301, 302 and 303
// turn a request other than GET or HEAD into a body-less GET; 307 and 308
// repeat the method and body.
func redirectTarget(r *leanRequest, h *respHead) (*leanRequest, error) {
	switch h.status {
	case 301, 302, 303, 307, 308:
	default:
		return nil, nil
	}
	if h.location == "" {
		return nil, nil // net/http returns such a response as it is
	}
	loc, err := r.u.Parse(h.location)
	if err != nil {
		return nil, fmt.Errorf("failed to parse Location header %q: %w", h.location, err)
	}
	next := &leanRequest{method: r.method, u: loc, host: loc.Host, body: r.body, hasBody: r.hasBody, hop: r.hop + 1}
	if h.status <= 303 && r.method != http.MethodGet && r.method != http.MethodHead {
		next.method, next.body, next.hasBody = http.MethodGet, nil, false
	}
	if next.hop > maxRedirects {
		return nil, errTooManyRedirects
	}
	return next, nil
}
