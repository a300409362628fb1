package engine_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/loadgo/loadgo/runner/engine"
)

// hangBound bounds how long a cancelled iteration may take to return before
// the test calls it hung. It is a liveness bound, not a timing assertion:
// a correct engine returns within milliseconds, a broken one never.
const hangBound = 30 * time.Second

// blocker is a server-side fixture that tells the test when the client is
// certainly blocked (signal) and keeps its handlers alive until the test
// ends (release), so that nothing but cancellation can unblock the client.
type blocker struct {
	once    sync.Once
	blocked chan struct{}
	release chan struct{}
}

func newBlocker(t *testing.T) *blocker {
	b := &blocker{blocked: make(chan struct{}), release: make(chan struct{})}
	t.Cleanup(func() { close(b.release) }) // runs before the server's Close
	return b
}

func (b *blocker) signal() { b.once.Do(func() { close(b.blocked) }) }

// hold signals, then waits for the client to go away or the test to end.
func (b *blocker) hold(r *http.Request) {
	b.signal()
	select {
	case <-r.Context().Done():
	case <-b.release:
	}
}

// wsHold upgrades, then calls then with the connection; it waits for the
// test to end before returning (the connection is hijacked, so the server
// does not track it).
func (b *blocker) wsHold(then func(c *websocket.Conn)) http.HandlerFunc {
	up := websocket.Upgrader{Subprotocols: []string{"v12.stomp"}}
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		then(c)
		<-b.release
	}
}

// readSome reads n raw bytes of the connection, then signals: the client is
// in the middle of writing a message larger than the socket buffers.
func (b *blocker) readSome(c *websocket.Conn) {
	buf := make([]byte, 1024)
	if _, err := io.ReadFull(c.NetConn(), buf); err == nil {
		b.signal()
	}
}

// hugeText is a flow value of 32 MiB: far more than loopback socket buffers
// hold, so writing it blocks while the server does not read.
var hugeText = `"` + strings.Repeat("{{ $randomString(1048576) }}", 32) + `"`

// TestCancelUnblocksRealtime cancels an iteration while it is blocked in
// each real-time wait the engines have: the iteration must return ctx's
// error at once, whatever the server does (it keeps every connection open
// and stops reading). Before the fix, the WebSocket and STOMP writes and
// the STOMP CONNECT ignored cancellation and hung.
func TestCancelUnblocksRealtime(t *testing.T) {
	tests := []struct {
		name    string
		handler func(b *blocker) http.HandlerFunc
		flow    string
	}{
		// A foreground SSE stream waiting for an event that never comes.
		{name: "sse foreground read", handler: func(b *blocker) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/event-stream")
				_, _ = w.Write([]byte(": open\n\n"))
				w.(http.Flusher).Flush()
				b.hold(r)
			}
		}, flow: "      - sse.open: { url: /s, events: 1, timeout: 1h }\n"},
		// A background SSE stream reading while the flow thinks.
		{name: "sse background read", handler: func(b *blocker) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/event-stream")
				w.WriteHeader(http.StatusOK)
				w.(http.Flusher).Flush()
				b.hold(r)
			}
		}, flow: "      - sse.open: { url: /s, background: true, delivery: true }\n      - think: 3600\n"},
		// A receive that waits for a message that never comes.
		{name: "ws receive", handler: func(b *blocker) http.HandlerFunc {
			return b.wsHold(func(*websocket.Conn) { b.signal() })
		}, flow: "      - ws.connect: /ws\n      - ws.receive: { timeout: 1h }\n"},
		// A ping the server never answers (it does not read).
		{name: "ws ping", handler: func(b *blocker) http.HandlerFunc {
			return b.wsHold(func(*websocket.Conn) { b.signal() })
		}, flow: "      - ws.connect: /ws\n      - ws.ping: { timeout: 1h }\n"},
		// A send the server stops reading in the middle of.
		{name: "ws send blocked in write", handler: func(b *blocker) http.HandlerFunc {
			return b.wsHold(b.readSome)
		}, flow: "      - ws.connect: { url: /ws, timeout: 1h }\n      - ws.send: " + hugeText + "\n"},
		// A STOMP CONNECT the broker never answers.
		{name: "stomp connect", handler: func(b *blocker) http.HandlerFunc {
			return b.wsHold(func(c *websocket.Conn) {
				if _, _, err := c.ReadMessage(); err == nil {
					b.signal()
				}
			})
		}, flow: "      - stomp.connect: { url: /stomp, timeout: 1h }\n"},
		// A STOMP SEND the broker stops reading in the middle of.
		{name: "stomp send blocked in write", handler: func(b *blocker) http.HandlerFunc {
			return b.wsHold(func(c *websocket.Conn) {
				if _, _, err := c.ReadMessage(); err != nil {
					return
				}
				_ = c.WriteMessage(websocket.TextMessage, []byte("CONNECTED\nversion:1.2\n\n\x00"))
				b.readSome(c)
			})
		}, flow: "      - stomp.connect: { url: /stomp, timeout: 1h }\n      - stomp.send: { destination: /q, body: " + hugeText + " }\n"},
		// A long poll the server holds.
		{name: "long poll", handler: func(b *blocker) http.HandlerFunc {
			return func(_ http.ResponseWriter, r *http.Request) { b.hold(r) }
		}, flow: "      - poll: { request: { get: { url: /p } }, long: true, duration: 1h }\n"},
		// A background long poll the server holds, while the flow thinks.
		{name: "background long poll", handler: func(b *blocker) http.HandlerFunc {
			return func(_ http.ResponseWriter, r *http.Request) { b.hold(r) }
		}, flow: "      - poll: { request: { get: { url: /p } }, long: true, background: true }\n      - think: 3600\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBlocker(t)
			s := newServer(t, tt.handler(b))
			sc := rtScenario(t, s.URL, 0, tt.flow)
			sc.Config.HTTP.Timeout = time.Hour // only cancellation may end the wait
			r := compile(t, sc, engine.Options{})
			vu := r.vu(t, 1)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- r.p.Iterate(ctx, vu, time.Time{}) }()
			select {
			case <-b.blocked:
			case err := <-done:
				t.Fatalf("Iterate returned %v before the server blocked it", err)
			}
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Iterate = %v, want context.Canceled", err)
				}
			case <-time.After(hangBound):
				t.Fatalf("Iterate still blocked %v after cancellation", hangBound)
			}
		})
	}
}
