package runner_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/loadgo/loadgo/runner"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// rtServer serves, on 127.0.0.1, what background work connects to, and
// never ends a stream by itself: /sse holds an event stream open, /ws a
// WebSocket, /stomp a STOMP session (CONNECTED, and a RECEIPT for
// every frame that asks for one), /poll answers at once. Only the client can end them.
func rtServer(t *testing.T) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	up := websocket.Upgrader{Subprotocols: []string{"v12.stomp"}}
	mux := http.NewServeMux()
	mux.HandleFunc("/sse", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write([]byte(": open\n\n"))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	mux.HandleFunc("/ws", wsHandler(&up, func(c *websocket.Conn) { readUntilGone(c, nil) }))
	mux.HandleFunc("/stomp", wsHandler(&up, func(c *websocket.Conn) {
		readUntilGone(c, func(msg []byte) {
			if bytes.HasPrefix(msg, []byte("CONNECT\n")) {
				_ = c.WriteMessage(websocket.TextMessage, []byte("CONNECTED\nversion:1.2\n\n\x00"))
			} else if _, id, ok := strings.Cut(string(msg), "\nreceipt:"); ok {
				id, _, _ = strings.Cut(id, "\n")
				_ = c.WriteMessage(websocket.TextMessage, []byte("RECEIPT\nreceipt-id:"+id+"\n\n\x00"))
			}
		})
	}))
	mux.HandleFunc("/poll", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"messages":[]}`))
	})
	s := httptest.NewServer(mux)
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Fatalf("server at %s, want loopback 127.0.0.1", s.URL)
	}
	t.Cleanup(s.Close)
	t.Cleanup(func() { close(release) }) // runs first: releases held streams
	return s
}

// TestBackgroundWorkEndsWithTheFlow runs flows that leave background work
// open (no close step) on a server that never ends it. The work must end
// with the flow, after its drain: every iteration completes. Before the
// fix, a subscription kept its VU in flight until the grace period ran
// out, and the iteration was counted as cancelled. The grace period is an
// hour, so a VU that is not released makes the run cancel nothing and
// never end: the test's own timeout catches it.
// wsHandler upgrades a request to a WebSocket, runs serve on it and closes
// it when serve returns.
func wsHandler(up *websocket.Upgrader, serve func(c *websocket.Conn)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		serve(c)
	}
}

// readUntilGone reads c's messages until the client goes away, handing each
// to handle when it is not nil.
func readUntilGone(c *websocket.Conn, handle func(msg []byte)) {
	for {
		_, msg, err := c.ReadMessage()
		if err != nil {
			return
		}
		if handle != nil {
			handle(msg)
		}
	}
}

func TestBackgroundWorkEndsWithTheFlow(t *testing.T) {
	tests := []struct {
		name string
		flow string
	}{
		// An SSE stream with delivery accounting.
		{name: "sse", flow: "      - sse.open: { url: /sse, background: true, delivery: true }\n"},
		// An SSE stream without delivery (no drain).
		{name: "sse without delivery", flow: "      - sse.open: { url: /sse, background: true }\n"},
		// A WebSocket whose reader accounts deliveries.
		{name: "ws", flow: "      - ws.connect: { url: /ws, delivery: true }\n"},
		// A STOMP subscription.
		{name: "stomp", flow: "      - stomp.connect: /stomp\n      - stomp.subscribe: { destination: /topic/a, delivery: true }\n"},
		// A background short poll.
		{name: "poll", flow: "      - poll: { request: { get: { url: /poll } }, interval: 50ms, background: true, delivery: { messages: $.messages } }\n"},
		// All at once, and a request after them.
		{name: "all", flow: "      - sse.open: { url: /sse, background: true }\n      - ws.connect: /ws\n" +
			"      - poll: { request: { get: { url: /poll } }, interval: 50ms, background: true }\n      - get: { url: /poll }\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := rtServer(t)
			src := "config:\n  target: " + s.URL + "\n  phases: [{ duration: 1, arrivalCount: 3 }]\nscenarios:\n  - flow:\n" + tt.flow
			sc, err := scenario.Parse("bg.yaml", []byte(src), scenario.LoadOptions{})
			if err != nil {
				t.Fatalf("Parse: %v\n%s", err, src)
			}
			r, err := runner.New(sc, runner.Options{GracePeriod: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			sum, err := r.Run(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			want := metrics.VUStats{Created: 3, Completed: 3}
			if sum.VUs != want {
				t.Errorf("VUs %+v, want %+v", sum.VUs, want)
			}
			for _, n := range sum.Notes {
				if strings.Contains(n, "cancelled") {
					t.Errorf("note %q: an iteration was cancelled", n)
				}
			}
			if rt := sum.Realtime; rt == nil || rt.Counters[metrics.ConnsOpened] != rt.Counters[metrics.ConnsClosed] || rt.Counters[metrics.ConnsOpened] < 3 {
				t.Errorf("real-time connections opened/closed do not match: %+v", rt)
			}
		})
	}
}
