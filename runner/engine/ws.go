package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// inboxSize bounds the messages a connection keeps for receive steps; the
// oldest is dropped (and counted as ws.inbox_dropped) when it is full.
const inboxSize = 256

// closeWait bounds how long a close waits for the server's close frame.
const closeWait = time.Second

// inMsg is one received message, kept for receive steps.
type inMsg struct {
	at   time.Time
	data []byte
}

// inbox is a bounded ring of received messages with a wake-up channel. The
// ring's buffers are reused, so a steady stream does not allocate. The ring
// (12 KiB) is allocated by the first push: a connection whose messages no
// receive step reads never pushes, and at tens of thousands of connections
// per process it was a quarter of their memory.
type inbox struct {
	mu     sync.Mutex
	ring   []inMsg // nil until the first push, then inboxSize long
	head   int     // index of the oldest message
	n      int
	notify chan struct{}
	done   bool
	err    error
	// rt counts the messages dropped to make room (nil: not counted).
	rt *metrics.RT
}

func newInbox(rt *metrics.RT) *inbox { return &inbox{notify: make(chan struct{}, 1), rt: rt} }

// push keeps a copy of data. When the ring is full the oldest message is
// dropped and counted: a receive step that waits for it would otherwise
// time out with no trace of why.
func (b *inbox) push(at time.Time, data []byte) {
	b.mu.Lock()
	if b.ring == nil {
		b.ring = make([]inMsg, inboxSize)
	}
	if b.n == inboxSize {
		b.head = (b.head + 1) % inboxSize
		b.n--
		b.rt.Add(metrics.WSInboxDropped, 1)
	}
	m := &b.ring[(b.head+b.n)%inboxSize]
	m.at, m.data = at, append(m.data[:0], data...)
	b.n++
	b.mu.Unlock()
	b.wake()
}

func (b *inbox) wake() {
	select {
	case b.notify <- struct{}{}:
	default:
	}
}

// finish marks the connection ended with err.
func (b *inbox) finish(err error) {
	b.mu.Lock()
	b.done, b.err = true, err
	b.mu.Unlock()
	b.wake()
}

// pop moves the oldest message received at or after since into dst and
// reports whether there was one; older messages are skipped.
func (b *inbox) pop(since time.Time, dst []byte) ([]byte, time.Time, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.n > 0 {
		m := &b.ring[b.head]
		b.head = (b.head + 1) % inboxSize
		b.n--
		if m.at.Before(since) {
			continue
		}
		return append(dst[:0], m.data...), m.at, true
	}
	return dst, time.Time{}, false
}

// ended returns the end error once the connection has ended.
func (b *inbox) ended() (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.done, b.err
}

// wait waits for the next message received at or after since that m
// matches, until deadline; it returns the message in vu.body.
func (b *inbox) wait(ctx context.Context, vu *VU, m *matcher, since, deadline time.Time) (time.Time, error) {
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	for {
		for {
			var at time.Time
			var ok bool
			vu.body, at, ok = b.pop(since, vu.body)
			if !ok {
				break
			}
			vu.docState = 0
			if m.matches(vu, "", vu.body) {
				return at, nil
			}
		}
		if done, err := b.ended(); done {
			if err == nil {
				err = errors.New("connection closed")
			}
			return time.Time{}, fmt.Errorf("waiting for a message: %w", err)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-t.C:
			return time.Time{}, errTimeout
		case <-b.notify:
		}
	}
}

// errTimeout is the cause of a wait that timed out.
var errTimeout = errors.New("timed out waiting for a matching message")

// wsConn is an open WebSocket connection of a VU. Its reader goroutine
// counts and accounts every message and keeps it for receive steps.
//
// Nothing on a connection blocks past cancellation: the connection watches
// the context of the step that opened it (the VU's iteration), and when it
// is cancelled (a hard stop) the socket is closed, which ends the reader and
// any write in progress. Writes also have a deadline (writeTimeout), so a
// server that stops reading fails a send instead of stalling the VU.
type wsConn struct {
	c     *websocket.Conn
	rt    *metrics.RT
	in    *inbox
	keep  bool
	rx    *receiver
	drain time.Duration
	// onFrame, when set, handles every message instead of the inbox
	// (STOMP sessions).
	onFrame      func(at time.Time, data []byte)
	writeMu      sync.Mutex
	writeTimeout time.Duration
	// pong receives a signal for every pong (ws.ping waits on it).
	pong chan struct{}
	// closing is set when we close, so the end is not an abnormal close;
	// aborted when cancellation closed the socket.
	closing   chan struct{}
	closeOnce sync.Once
	closeCode int
	aborted   atomic.Bool
	stopWatch func() bool
	done      chan struct{}
}

// wsWriteBuffers lends connections their write buffer for the time of a
// write only: a load test's connections mostly receive, and a buffer held
// by each (4 KiB) adds up at tens of thousands of connections.
var wsWriteBuffers = &sync.Pool{}

// dialWS performs the handshake. It returns the connection, the response
// status (0 without a response) and the handshake's error.
func dialWS(ctx context.Context, vu *VU, u string, h http.Header, protocols []string, timeout time.Duration) (*websocket.Conn, *http.Response, error) {
	d := websocket.Dialer{
		HandshakeTimeout: timeout,
		Subprotocols:     protocols,
		TLSClientConfig:  vu.p.http.tls,
		WriteBufferPool:  wsWriteBuffers,
		Jar:              vu.client.Jar,
		NetDialContext:   vu.p.http.conns.dialer(&net.Dialer{Timeout: timeout, Resolver: vu.p.http.resolver}),
	}
	return d.DialContext(ctx, u, h)
}

// startWS wraps an open connection and starts its reader.
func startWS(ctx context.Context, vu *VU, c *websocket.Conn, keep bool, rx *receiver, drain, writeTimeout time.Duration) *wsConn {
	w := newWSConn(ctx, vu, c, keep, rx, drain, writeTimeout)
	w.start()
	return w
}

// newWSConn wraps an open connection and starts watching ctx; start starts
// its reader. The caller must close it.
func newWSConn(ctx context.Context, vu *VU, c *websocket.Conn, keep bool, rx *receiver, drain, writeTimeout time.Duration) *wsConn {
	rt := vu.shard.RT()
	w := &wsConn{c: c, rt: rt, in: newInbox(rt), keep: keep, rx: rx, drain: drain,
		writeTimeout: max(writeTimeout, time.Millisecond), pong: make(chan struct{}, 1),
		closing: make(chan struct{}), done: make(chan struct{})}
	// The pong handler is set once, before the reader runs: gorilla reads
	// it on the reader goroutine, so a step must not replace it later.
	c.SetPongHandler(func(string) error {
		select {
		case w.pong <- struct{}{}:
		default:
		}
		return nil
	})
	w.stopWatch = context.AfterFunc(ctx, w.abort)
	return w
}

// abort closes the socket when the connection's context is cancelled:
// blocked reads and writes return at once.
func (w *wsConn) abort() {
	w.aborted.Store(true)
	_ = w.c.NetConn().Close()
}

// start starts the reader.
func (w *wsConn) start() {
	w.rt.ConnOpened()
	go w.read()
}

// read is the connection's reader goroutine.
func (w *wsConn) read() {
	defer close(w.done)
	var last time.Time
	for {
		_, data, err := w.c.ReadMessage()
		if err != nil {
			w.ended(err)
			return
		}
		now := time.Now()
		if !last.IsZero() {
			w.rt.Time(metrics.TimingGap, now.Sub(last))
		}
		last = now
		if w.onFrame != nil {
			w.onFrame(now, data)
			continue
		}
		w.rt.Add(metrics.WSMessagesIn, 1)
		w.rt.Add(metrics.WSBytesIn, int64(len(data)))
		w.rx.message(data, now)
		if w.keep {
			w.in.push(now, data)
		}
	}
}

// ended records how the connection ended.
func (w *wsConn) ended(err error) {
	select {
	case <-w.closing:
		w.in.finish(nil)
		return
	default:
	}
	if w.aborted.Load() {
		w.in.finish(context.Canceled) // our doing, not the server's
		return
	}
	w.rt.Close(closeCodeOf(err))
	w.in.finish(err)
}

// closeCodeOf returns the close code that describes how a connection ended
// with err: the server's code when it sent a close frame; 1002 (protocol
// error, what gorilla answers the server) when it sent an invalid frame;
// 1006 when the connection dropped without a close frame.
func closeCodeOf(err error) int {
	var ce *websocket.CloseError
	var ne net.Error
	switch {
	case errors.As(err, &ce):
		return ce.Code
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &ne), errors.Is(err, net.ErrClosed):
		return websocket.CloseAbnormalClosure
	case strings.HasPrefix(err.Error(), "websocket: "):
		// gorilla's protocol errors (bad opcode, reserved bits, invalid
		// UTF-8, oversized control frame, ...) have no type of their own.
		return websocket.CloseProtocolError
	}
	return websocket.CloseAbnormalClosure
}

// write sends one text message within the write timeout.
func (w *wsConn) write(data []byte) error {
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	if w.aborted.Load() {
		return context.Canceled
	}
	_ = w.c.SetWriteDeadline(time.Now().Add(w.writeTimeout))
	return w.c.WriteMessage(websocket.TextMessage, data)
}

func (w *wsConn) stopListening()           { w.rx.stop() }
func (w *wsConn) drainTime() time.Duration { return w.drain }

// close sends a close frame, waits briefly for the server's, and closes.
func (w *wsConn) close() {
	w.closeOnce.Do(func() {
		close(w.closing)
		code := w.closeCode
		if code == 0 {
			code = websocket.CloseNormalClosure
		}
		msg := websocket.FormatCloseMessage(code, "")
		_ = w.c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(closeWait)) // best effort
		t := time.NewTimer(closeWait)
		select {
		case <-w.done:
		case <-t.C:
		}
		t.Stop()
		_ = w.c.Close() // ends the reader if the server never answered
		<-w.done
		w.stopWatch()
		w.rx.stop()
		w.rt.ConnClosed()
	})
}

// wsConnectAction opens a WebSocket connection.
type wsConnectAction struct {
	path, name string
	slot       int
	url        rtURL
	headers    []header
	protocols  []string
	timeout    time.Duration
	delivery   *deliverySpec
	drain      time.Duration
	series     []metrics.SeriesID
}

func (c *compiler) wsConnect(s *scenario.Step, mode phaseMode) (action, error) {
	r := s.Realtime
	a := &wsConnectAction{path: s.Path, name: r.Name, slot: c.rt.slot(r.Conn), protocols: r.Subprotocols,
		timeout: c.rt.timeoutOr(r.Timeout), drain: drainOf(r)}
	var err error
	if a.url, err = c.compileURL(r.URL, true); err != nil {
		return nil, err
	}
	if a.headers, err = c.compileHeaders(r.Headers); err != nil {
		return nil, err
	}
	if a.delivery, err = compileDelivery(r.Delivery); err != nil {
		return nil, err
	}
	a.series = c.rtSeries(a.name, protocolWS, mode)
	return a, nil
}

func (a *wsConnectAction) run(ctx context.Context, vu *VU) error {
	u, err := a.url.render(vu, true)
	if err != nil {
		now := time.Now()
		vu.recordRT(a.series, now, now, 0, metrics.ErrOther, 0, 0)
		return abort(a.path, metrics.ErrOther, err)
	}
	vu.rt.closeConn(ctx, a.slot) // a connect replaces the connection of that name
	start := time.Now()
	conn, resp, err := dialWS(ctx, vu, u, renderHeaders(vu, a.headers), a.protocols, a.timeout)
	end := time.Now()
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		kind := classify(err)
		if errors.Is(err, websocket.ErrBadHandshake) {
			kind = metrics.ErrStatus
		}
		vu.recordRT(a.series, start, end, status, kind, 0, 0)
		return abort(a.path, kind, fmt.Errorf("websocket handshake %s: %w", u, err))
	}
	vu.recordRT(a.series, start, end, status, metrics.ErrNone, 0, 0)
	vu.shard.RT().Add(metrics.WSHandshakes, 1)
	w := startWS(ctx, vu, conn, vu.p.rt.keep[a.slot], newReceiver(a.delivery, vu), a.drain, a.timeout)
	vu.rt.setConn(a.slot, w)
	return nil
}

// wsOf returns the open WebSocket connection in slot, or an abort error.
func wsOf(vu *VU, slot int, path string) (*wsConn, error) {
	w, ok := vu.rt.conn(slot).(*wsConn)
	if !ok || w == nil {
		return nil, abort(path, metrics.ErrOther, errors.New("the connection is not open"))
	}
	return w, nil
}
