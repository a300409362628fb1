package runner_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/loadgo/loadgo/runner"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// rtFaultServer serves the real-time faults of issue 6 on 127.0.0.1, and
// /ok, a control request counted in ok.
func rtFaultServer(t *testing.T, ok *atomic.Int64) *httptest.Server {
	t.Helper()
	up := websocket.Upgrader{Subprotocols: []string{"v12.stomp"}}
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, _ *http.Request) {
		ok.Add(1)
		_, _ = w.Write([]byte("ok"))
	})
	// An event stream cut in the middle of its second event.
	mux.HandleFunc("/sse-cut", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write([]byte("data: a\n\ndata: par"))
	})
	// A WebSocket dropped without a close frame after the first message.
	mux.HandleFunc("/ws-drop", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		_, _, _ = c.ReadMessage()
		_ = c.NetConn().Close()
	})
	// A WebSocket that sends a frame with a reserved opcode (3).
	mux.HandleFunc("/ws-bad", wsHandler(&up, func(c *websocket.Conn) {
		_, _ = c.NetConn().Write([]byte{0x83, 0x00})
		readUntilGone(c, nil)
	}))
	// A STOMP broker that answers every SEND with an ERROR frame.
	mux.HandleFunc("/stomp-error", wsHandler(&up, func(c *websocket.Conn) {
		readUntilGone(c, func(msg []byte) {
			switch {
			case strings.HasPrefix(string(msg), "CONNECT\n"):
				_ = c.WriteMessage(websocket.TextMessage, []byte("CONNECTED\nversion:1.2\n\n\x00"))
			case strings.HasPrefix(string(msg), "SEND\n"):
				_ = c.WriteMessage(websocket.TextMessage, []byte("ERROR\nmessage:no such destination\n\n\x00"))
			}
		})
	}))
	s := httptest.NewServer(mux)
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Fatalf("server at %s, want loopback 127.0.0.1", s.URL)
	}
	t.Cleanup(s.Close)
	return s
}

// TestRealtimeFaults runs each real-time fault of issue 6 through the
// whole runner: the run completes, the failure is counted under its own
// kind (a real-time counter, which the JSON summary reports by name), the
// control request before it is counted exactly, each VU's flow ends as a
// failure (Artillery semantics), and no goroutine outlives the run
// (goleak, leak_test.go).
func TestRealtimeFaults(t *testing.T) {
	tests := []struct {
		name    string
		flow    string
		counter metrics.RTCounter
		// code, when set, is the WebSocket close code counted.
		code int
	}{
		// An SSE stream cut mid-event: sse.errors.cut_mid_event.
		{name: "sse cut mid-event", flow: "      - sse.open: { url: /sse-cut, events: 2, reconnect: false }\n", counter: metrics.SSECutMidEvent},
		// A WebSocket closed abruptly: ws.abnormal_closes, code 1006.
		{name: "ws closed abruptly", flow: "      - ws.connect: /ws-drop\n      - ws.send: hi\n      - ws.receive: { timeout: 1h }\n",
			counter: metrics.WSAbnormalCloses, code: 1006},
		// A WebSocket sending an invalid frame: ws.abnormal_closes, code 1002.
		{name: "ws invalid frame", flow: "      - ws.connect: /ws-bad\n      - ws.receive: { timeout: 1h }\n",
			counter: metrics.WSAbnormalCloses, code: 1002},
		// A STOMP ERROR frame: stomp.errors.
		{name: "stomp error frame", flow: "      - stomp.connect: /stomp-error\n      - stomp.send: { destination: /q, body: x, receipt: true, timeout: 1h }\n",
			counter: metrics.STOMPErrors},
	}
	const vus = 3
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ok atomic.Int64
			s := rtFaultServer(t, &ok)
			src := "config:\n  target: " + s.URL + "\n  phases: [{ duration: 1, arrivalCount: 3 }]\nscenarios:\n  - flow:\n      - get: { url: /ok }\n" + tt.flow
			sc, err := scenario.Parse("faults.yaml", []byte(src), scenario.LoadOptions{})
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
			if want := (metrics.VUStats{Created: vus, Failed: vus}); sum.VUs != want {
				t.Errorf("VUs %+v, want %+v", sum.VUs, want)
			}
			for _, st := range sum.ByName {
				if st.Series.Name == "/ok" && (st.Stats.Count != vus || st.Stats.Errors != 0 || ok.Load() != vus) {
					t.Errorf("/ok: %d requests, %d errors, server saw %d; want %d, 0, %d", st.Stats.Count, st.Stats.Errors, ok.Load(), vus, vus)
				}
			}
			rt := sum.Realtime
			if rt == nil {
				t.Fatal("no real-time stats")
			}
			if got := rt.Counters[tt.counter]; got != vus {
				t.Errorf("%v = %d, want %d", tt.counter, got, vus)
			}
			if tt.code != 0 && rt.CloseCodes[tt.code-1000] != vus {
				t.Errorf("close code %d counted %d times, want %d (codes %v)", tt.code, rt.CloseCodes[tt.code-1000], vus, rt.CloseCodes)
			}
			if rt.Counters[metrics.ConnsOpened] != rt.Counters[metrics.ConnsClosed] {
				t.Errorf("connections opened %d, closed %d", rt.Counters[metrics.ConnsOpened], rt.Counters[metrics.ConnsClosed])
			}
		})
	}
}
