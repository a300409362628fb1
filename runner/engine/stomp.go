package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/loadgo/loadgo/runner/engine/tmpl"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// errSTOMPError is the error of a session ended by an ERROR frame.
var errSTOMPError = errors.New("STOMP ERROR frame")

// stompProtocols are the WebSocket subprotocols offered for STOMP.
var stompProtocols = []string{"v12.stomp", "v11.stomp"}

// stompSession is a STOMP 1.2 session over a WebSocket connection. Its
// reader (the connection's) decodes every frame: MESSAGE frames go to
// their subscription's delivery accounting and to the inbox, RECEIPT
// frames wake the step waiting for them, ERROR frames are counted and end
// the session.
type stompSession struct {
	ws *wsConn
	rt *metrics.RT

	mu       sync.Mutex
	subs     []*stompSub
	receipts []pendingReceipt
	failed   error
	nextID   int
	frame    stompFrame // the reader's decode buffer
	hbStop   chan struct{}
	hbDone   chan struct{}
	closeMu  sync.Once
	out      []byte
	writeBuf []byte
}

// stompSub is one subscription.
type stompSub struct {
	id    string
	rx    *receiver
	drain time.Duration
}

// pendingReceipt is a step waiting for a RECEIPT.
type pendingReceipt struct {
	id string
	ch chan struct{}
}

// onFrame handles one WebSocket message on the reader goroutine.
func (s *stompSession) onFrame(at time.Time, data []byte) {
	s.rt.Add(metrics.WSMessagesIn, 1)
	s.rt.Add(metrics.WSBytesIn, int64(len(data)))
	for len(data) > 0 {
		ok, rest, err := decodeSTOMP(&s.frame, data)
		if err != nil {
			s.fail(fmt.Errorf("STOMP: %w", err))
			return
		}
		if !ok {
			return // heart-beats only
		}
		data = rest
		s.rt.Add(metrics.STOMPFramesIn, 1)
		s.handle(at, &s.frame)
	}
}

func (s *stompSession) handle(at time.Time, f *stompFrame) {
	switch string(f.command) {
	case "MESSAGE":
		s.rt.Add(metrics.STOMPMessages, 1)
		id, _ := f.header("subscription")
		s.mu.Lock()
		var rx *receiver
		for _, sub := range s.subs {
			if sub.id == string(id) {
				rx = sub.rx
			}
		}
		s.mu.Unlock()
		rx.message(f.body, at)
		if s.ws.keep {
			s.ws.in.push(at, f.body)
		}
	case "RECEIPT":
		s.rt.Add(metrics.STOMPReceipts, 1)
		id, _ := f.header("receipt-id")
		s.mu.Lock()
		for i, p := range s.receipts {
			if p.id == string(id) {
				close(p.ch)
				s.receipts = append(s.receipts[:i], s.receipts[i+1:]...)
				break
			}
		}
		s.mu.Unlock()
	case "ERROR":
		s.rt.Add(metrics.STOMPErrors, 1)
		msg, _ := f.header("message")
		s.fail(fmt.Errorf("%w: %s", errSTOMPError, msg))
	}
}

// fail marks the session failed and wakes every waiter.
func (s *stompSession) fail(err error) {
	s.mu.Lock()
	if s.failed == nil {
		s.failed = err
	}
	for _, p := range s.receipts {
		close(p.ch)
	}
	s.receipts = nil
	s.mu.Unlock()
	s.ws.in.finish(err)
}

// send writes one frame, registering a receipt to wait for when receipt
// is set; it returns the channel closed when it arrives (or the session fails).
func (s *stompSession) send(command string, headers [][2]string, body []byte, receipt bool) (chan struct{}, error) {
	s.mu.Lock()
	if s.failed != nil {
		err := s.failed
		s.mu.Unlock()
		return nil, err
	}
	var ch chan struct{}
	if receipt {
		s.nextID++
		id := "r-" + strconv.Itoa(s.nextID)
		headers = append(headers, [2]string{"receipt", id})
		ch = make(chan struct{})
		s.receipts = append(s.receipts, pendingReceipt{id: id, ch: ch})
	}
	s.out = appendSTOMP(s.out[:0], command, headers, body)
	err := s.ws.write(s.out)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	s.rt.Add(metrics.STOMPFramesOut, 1)
	s.rt.Add(metrics.WSMessagesOut, 1)
	s.rt.Add(metrics.WSBytesOut, int64(len(s.out)))
	return ch, nil
}

// awaitReceipt waits for ch, the session's failure, ctx or the timeout.
func (s *stompSession) awaitReceipt(ctx context.Context, ch chan struct{}, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-ch:
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.failed
	case <-t.C:
		return errTimeout
	case <-ctx.Done():
		return ctx.Err()
	}
}

// heartbeat sends an EOL every d until stopped.
func (s *stompSession) heartbeat(d time.Duration) {
	defer close(s.hbDone)
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-s.hbStop:
			return
		case <-t.C:
			s.mu.Lock()
			err := s.ws.write([]byte{'\n'})
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}
}

func (s *stompSession) stopListening() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sub := range s.subs {
		sub.rx.stop()
	}
}

func (s *stompSession) drainTime() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var d time.Duration
	for _, sub := range s.subs {
		d = max(d, sub.drain)
	}
	return d
}

// close sends DISCONNECT with a receipt, waits briefly for it, and closes
// the connection.
func (s *stompSession) close() {
	s.closeMu.Do(func() {
		if s.hbStop != nil {
			close(s.hbStop)
			<-s.hbDone
		}
		if ch, err := s.send("DISCONNECT", nil, nil, true); err == nil {
			_ = s.awaitReceipt(context.Background(), ch, closeWait) // best effort
		}
		s.stopListening()
		s.ws.close()
	})
}

// stompConnectAction opens a STOMP session.
type stompConnectAction struct {
	path, name string
	slot       int
	url        rtURL
	headers    []header
	host       *tmpl.Template
	login      *tmpl.Template
	passcode   *tmpl.Template
	heartbeat  time.Duration
	timeout    time.Duration
	series     []metrics.SeriesID
}

func (c *compiler) stompConnect(s *scenario.Step, mode phaseMode) (action, error) {
	r := s.Realtime
	a := &stompConnectAction{path: s.Path, name: r.Name, slot: c.rt.slot(r.Conn), heartbeat: r.Heartbeat,
		timeout: c.rt.timeoutOr(r.Timeout)}
	var err error
	if a.url, err = c.compileURL(r.URL, true); err != nil {
		return nil, err
	}
	if a.headers, err = c.compileHeaders(r.Headers); err != nil {
		return nil, err
	}
	for _, t := range []struct {
		dst **tmpl.Template
		src *scenario.Template
	}{{&a.host, r.Host}, {&a.login, r.Login}, {&a.passcode, r.Passcode}} {
		if t.src != nil {
			if *t.dst, err = c.template(t.src); err != nil {
				return nil, err
			}
		}
	}
	a.series = c.rtSeries(a.name, protocolSTOMP, mode)
	return a, nil
}

func (a *stompConnectAction) run(ctx context.Context, vu *VU) error {
	u, err := a.url.render(vu, true)
	if err != nil {
		return abort(a.path, metrics.ErrOther, err)
	}
	vu.rt.closeConn(ctx, a.slot)
	start := time.Now()
	conn, resp, err := dialWS(ctx, vu, u, renderHeaders(vu, a.headers), stompProtocols, a.timeout)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		status, kind := 0, classify(err)
		if resp != nil {
			status = resp.StatusCode
		}
		if errors.Is(err, websocket.ErrBadHandshake) {
			kind = metrics.ErrStatus
		}
		vu.recordRT(a.series, start, time.Now(), status, kind, 0, 0)
		return abort(a.path, kind, fmt.Errorf("STOMP websocket %s: %w", u, err))
	}
	vu.shard.RT().Add(metrics.WSHandshakes, 1)
	// The connection watches ctx from here, so a hard stop also ends a
	// CONNECT the server never answers.
	s := &stompSession{rt: vu.shard.RT()}
	s.ws = newWSConn(ctx, vu, conn, vu.p.rt.keep[a.slot], nil, 0, a.timeout)
	sx, err := a.handshake(vu, conn, u)
	if err != nil {
		s.ws.stopWatch()
		_ = conn.Close()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		kind := classify(err)
		if errors.Is(err, errSTOMPError) {
			kind = metrics.ErrOther
			vu.shard.RT().Add(metrics.STOMPErrors, 1)
		}
		vu.recordRT(a.series, start, time.Now(), resp.StatusCode, kind, 0, 0)
		return abort(a.path, kind, err)
	}
	vu.recordRT(a.series, start, time.Now(), resp.StatusCode, metrics.ErrNone, 0, 0)
	s.ws.onFrame = s.onFrame
	s.ws.start()
	if a.heartbeat > 0 && sx > 0 {
		s.hbStop, s.hbDone = make(chan struct{}), make(chan struct{})
		go s.heartbeat(max(a.heartbeat, sx))
	}
	vu.rt.setConn(a.slot, s)
	return nil
}

// handshake sends CONNECT and reads CONNECTED. It returns how often the
// server wants heart-beats from us (0: never).
func (a *stompConnectAction) handshake(vu *VU, conn *websocket.Conn, u string) (time.Duration, error) {
	host := ""
	if a.host != nil {
		host = string(a.host.Append(nil, &vu.scope))
	} else if pu, err := parseHost(u); err == nil {
		host = pu
	}
	hb := strconv.FormatInt(a.heartbeat.Milliseconds(), 10)
	hs := [][2]string{{"accept-version", "1.2,1.1"}, {"host", host}, {"heart-beat", hb + "," + hb}}
	if a.login != nil {
		hs = append(hs, [2]string{"login", string(a.login.Append(nil, &vu.scope))})
	}
	if a.passcode != nil {
		hs = append(hs, [2]string{"passcode", string(a.passcode.Append(nil, &vu.scope))})
	}
	_ = conn.SetWriteDeadline(time.Now().Add(a.timeout))
	if err := conn.WriteMessage(websocket.TextMessage, appendSTOMP(nil, "CONNECT", hs, nil)); err != nil {
		return 0, fmt.Errorf("STOMP CONNECT: %w", err)
	}
	_ = conn.SetWriteDeadline(time.Time{})
	_ = conn.SetReadDeadline(time.Now().Add(a.timeout))
	defer conn.SetReadDeadline(time.Time{}) //nolint:errcheck // clearing a deadline cannot fail usefully
	var f stompFrame
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			return 0, fmt.Errorf("STOMP: waiting for CONNECTED: %w", err)
		}
		ok, _, err := decodeSTOMP(&f, data)
		if err != nil {
			return 0, fmt.Errorf("STOMP: %w", err)
		}
		if !ok {
			continue // a heart-beat
		}
		switch string(f.command) {
		case "CONNECTED":
			return serverWants(&f), nil
		case "ERROR":
			msg, _ := f.header("message")
			return 0, fmt.Errorf("%w on CONNECT: %s", errSTOMPError, msg)
		default:
			return 0, fmt.Errorf("STOMP: expected CONNECTED, got %s", f.command)
		}
	}
}

// serverWants returns the server's "heart-beat: sx,sy" sy: how often it
// wants to hear from us.
func serverWants(f *stompFrame) time.Duration {
	v, ok := f.header("heart-beat")
	if !ok {
		return 0
	}
	_, sy, _ := cutComma(string(v))
	n, err := strconv.Atoi(sy)
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n) * time.Millisecond
}

func cutComma(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// parseHost returns the host name of URL u.
func parseHost(u string) (string, error) {
	req, err := http.NewRequest(http.MethodGet, withScheme(u, false), nil)
	if err != nil {
		return "", err
	}
	return req.URL.Hostname(), nil
}
