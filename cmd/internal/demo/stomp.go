package demo

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

const (
	// stompMaxFrame bounds one client frame, headers and body.
	stompMaxFrame = 1 << 20
	// stompMaxSubs bounds the subscriptions of one connection.
	stompMaxSubs = 1000
	// stompDefaultHeartBeat is the server's heart-beat offer (both ways).
	stompDefaultHeartBeat = 10 * time.Second
)

// stompUpgrader negotiates STOMP's WebSocket subprotocols; a client that
// asks for none is served too (as Spring does).
var stompUpgrader = websocket.Upgrader{
	ReadBufferSize:  4096,
	WriteBufferSize: 4096,
	Subprotocols:    []string{"v12.stomp", "v11.stomp"},
	CheckOrigin:     func(*http.Request) bool { return true },
}

// stompBroker is a simple topic broker (Spring's simple broker semantics):
// a MESSAGE goes to every subscription of the destination, the sender's
// included.
type stompBroker struct {
	stats  *rtStats
	nextID atomic.Int64 // message-id and session ids
	mu     sync.RWMutex
	topics map[string]map[*stompSub]struct{}
}

// stompSub is one SUBSCRIBE of one connection.
type stompSub struct {
	id   string
	dest string
	out  chan []byte // the connection's queue
}

func newStompBroker(st *rtStats) *stompBroker {
	return &stompBroker{stats: st, topics: map[string]map[*stompSub]struct{}{}}
}

func (b *stompBroker) subscribe(s *stompSub) {
	b.mu.Lock()
	defer b.mu.Unlock()
	m := b.topics[s.dest]
	if m == nil {
		m = map[*stompSub]struct{}{}
		b.topics[s.dest] = m
	}
	m[s] = struct{}{}
}

func (b *stompBroker) unsubscribe(s *stompSub) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if m := b.topics[s.dest]; m != nil {
		delete(m, s)
		if len(m) == 0 {
			delete(b.topics, s.dest)
		}
	}
}

// publish sends body to every subscription of dest without blocking: a
// full connection queue drops the frame for that connection, counted.
func (b *stompBroker) publish(dest, contentType string, body []byte) {
	b.stats.messagesIn.Add(1)
	id := strconv.FormatInt(b.nextID.Add(1), 10)
	b.mu.RLock()
	defer b.mu.RUnlock()
	for s := range b.topics[dest] {
		frame := appendFrame(make([]byte, 0, len(body)+160), "MESSAGE", []stompHeader{
			{"destination", dest}, {"message-id", id}, {"subscription", s.id}, {"content-type", contentType},
		}, body)
		select {
		case s.out <- frame:
			b.stats.deliveries.Add(1)
		default:
			b.stats.drops.Add(1)
		}
	}
}

// serveSTOMP is GET /stomp: STOMP 1.2 (and 1.1) over WebSocket. See
// stompSession.handle for the frames it speaks.
func (rt *realtime) serveSTOMP(w http.ResponseWriter, r *http.Request) {
	f, ok := parseFaults(w, r)
	if !ok {
		return
	}
	offer := [2]time.Duration{stompDefaultHeartBeat, stompDefaultHeartBeat}
	if v := r.URL.Query().Get("hb"); v != "" {
		sx, sy, err := parseHeartBeat(v)
		if err != nil {
			writeError(w, http.StatusBadRequest, "hb must be SX,SY in milliseconds")
			return
		}
		offer = [2]time.Duration{sx, sy}
	}
	if err := rt.enter(); err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	defer rt.wg.Done()
	conn, err := stompUpgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	rt.track(conn)
	defer rt.untrack(conn)
	defer rt.stats.connOpened(transportSTOMP)()
	conn.SetReadLimit(stompMaxFrame)

	s := &stompSession{
		rt: rt, conn: conn, offer: offer, delay: f.delay,
		out:        make(chan []byte, sendBuffer),
		subs:       map[string]*stompSub{},
		writerDone: make(chan struct{}),
		dec:        frameDecoder{max: stompMaxFrame},
	}
	go func() {
		defer close(s.writerDone)
		s.writer()
	}()
	s.read()
	for _, sub := range s.subs {
		rt.broker.unsubscribe(sub)
	}
	// The writer finishes what the reader queued (a RECEIPT for
	// DISCONNECT, an ERROR) and closes at the first nil; queuing one more
	// is harmless.
	s.send(nil)
	<-s.writerDone
	_ = conn.Close()
}

// stompSession is one STOMP connection. Only its reader goroutine touches
// subs, connected and hbIn; the writer owns every write to conn.
type stompSession struct {
	rt         *realtime
	conn       *websocket.Conn
	offer      [2]time.Duration // the server's sx, sy
	delay      time.Duration
	out        chan []byte // frames to write; nil means "close now"
	subs       map[string]*stompSub
	connected  bool
	hbIn       time.Duration // client → server heart-beat period; 0: none
	hbOut      atomic.Int64  // server → client period in ns, set before CONNECTED is queued
	writerDone chan struct{}
	dec        frameDecoder
}

// read decodes client frames until the connection ends or a frame ends it.
func (s *stompSession) read() {
	for {
		_, data, err := s.conn.ReadMessage()
		if err != nil {
			return
		}
		if s.hbIn > 0 {
			// The spec leaves the tolerance to the implementation: three
			// missed periods mean the client is gone.
			_ = s.conn.SetReadDeadline(time.Now().Add(3 * s.hbIn))
		}
		s.dec.feed(data)
		for {
			f, err := s.dec.next()
			if err != nil {
				s.fail("malformed frame", err.Error(), "")
				return
			}
			if f == nil {
				break
			}
			if !s.handle(f) {
				return
			}
		}
	}
}

// writer writes queued frames and heart-beats (bare EOLs) until a nil
// frame asks to close (queued by the reader when it ends), a write fails,
// or the server shuts down.
func (s *stompSession) writer() {
	defer s.conn.Close()
	var beat <-chan time.Time
	closeWith := func(code int, text string) {
		_ = s.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	}
	write := func(b []byte) bool {
		_ = s.conn.SetWriteDeadline(time.Now().Add(writeWait))
		return s.conn.WriteMessage(websocket.TextMessage, b) == nil
	}
	for {
		select {
		case b := <-s.out:
			if b == nil {
				closeWith(websocket.CloseNormalClosure, "")
				return
			}
			if !write(b) {
				return
			}
			if beat == nil {
				if d := time.Duration(s.hbOut.Load()); d > 0 {
					t := time.NewTicker(d)
					defer t.Stop()
					beat = t.C
				}
			}
		case <-beat:
			if !write([]byte{'\n'}) {
				return
			}
		case <-s.rt.done:
			closeWith(websocket.CloseGoingAway, "server shutting down")
			return
		}
	}
}

// send queues a frame from the reader; it blocks while the queue is full
// (the reader is this connection's own) unless the writer is gone.
func (s *stompSession) send(frame []byte) bool {
	select {
	case s.out <- frame:
		return true
	case <-s.writerDone:
		return false
	}
}

// fail sends an ERROR frame and asks the writer to close the connection.
func (s *stompSession) fail(message, detail, receipt string) {
	s.rt.stats.stompErrs.Add(1)
	h := []stompHeader{{"message", message}, {"content-type", "text/plain"}}
	if receipt != "" {
		h = append(h, stompHeader{"receipt-id", receipt})
	}
	if s.send(appendFrame(nil, "ERROR", h, []byte(detail))) {
		s.send(nil)
	}
}

// receipt answers the frame's receipt header, if any.
func (s *stompSession) receipt(f *stompFrame) bool {
	if id, ok := f.get("receipt"); ok {
		return s.send(appendFrame(nil, "RECEIPT", []stompHeader{{"receipt-id", id}}, nil))
	}
	return true
}

// parseHeartBeat parses "X,Y" in milliseconds.
func parseHeartBeat(v string) (time.Duration, time.Duration, error) {
	a, b, ok := strings.Cut(v, ",")
	x, err1 := strconv.ParseUint(strings.TrimSpace(a), 10, 31)
	y, err2 := strconv.ParseUint(strings.TrimSpace(b), 10, 31)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, strconv.ErrSyntax
	}
	return time.Duration(x) * time.Millisecond, time.Duration(y) * time.Millisecond, nil
}
