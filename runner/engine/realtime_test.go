package engine_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gorilla/websocket"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// rtScenario parses a scenario with groups of size (0: none) and flow
// (YAML steps indented by 6) against target.
func rtScenario(t testing.TB, target string, size int, flow string) *scenario.Scenario {
	t.Helper()
	groups := ""
	if size > 0 {
		groups = fmt.Sprintf("  groups: { size: %d }\n", size)
	}
	src := "config:\n  target: " + target + "\n" + groups + "  http: { timeout: 5 }\n  phases: [{duration: 1, vus: 1}]\nscenarios:\n  - flow:\n" + flow
	sc, err := scenario.Parse("rt.yaml", []byte(src), scenario.LoadOptions{})
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, src)
	}
	return sc
}

// realtime returns the real-time stats recorded so far.
func (r *rig) realtime() *metrics.RTStats {
	if rt := r.summary().Realtime; rt != nil {
		return rt
	}
	return &metrics.RTStats{}
}

// sseHandler serves events; cut ends the stream after n events (mid-event
// when mid), ct overrides the content type.
func sseHandler(events []string, ct string, hold bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if ct == "" {
			ct = "text/event-stream"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(http.StatusOK)
		for _, e := range events {
			_, _ = w.Write([]byte(e))
			w.(http.Flusher).Flush()
		}
		if hold {
			<-r.Context().Done()
		}
	}
}

func TestSSEStreams(t *testing.T) {
	tests := []struct {
		name    string
		h       http.HandlerFunc
		flow    string
		wantErr metrics.ErrorKind // ErrNone: the flow completes
		counter metrics.RTCounter
		want    int64
	}{
		// Two events arrive; the foreground stream is satisfied.
		{name: "events", h: sseHandler([]string{"data: a\n\n", "event: x\ndata: b\ndata: c\n\n"}, "", true),
			flow: "      - sse.open: { url: /s, events: 2, capture: { regexp: 'c', as: v } }\n", counter: metrics.SSEEvents, want: 2},
		// The server ends the stream after one event: closed early, and a
		// stream that wanted more fails.
		{name: "closed after one event", h: sseHandler([]string{"data: a\n\n"}, "", false),
			flow: "      - sse.open: { url: /s, events: 3, reconnect: false }\n", wantErr: metrics.ErrReset, counter: metrics.SSEClosedEarly, want: 1},
		// A stream cut inside an event.
		{name: "cut mid event", h: sseHandler([]string{"data: a\n\ndata: par"}, "", false),
			flow: "      - sse.open: { url: /s, events: 3, reconnect: false }\n", wantErr: metrics.ErrReset, counter: metrics.SSECutMidEvent, want: 1},
		// Not an event stream.
		{name: "bad content type", h: sseHandler([]string{"data: a\n\n"}, "application/json", false),
			flow: "      - sse.open: { url: /s, events: 1 }\n", wantErr: metrics.ErrOther, counter: metrics.SSEBadContentType, want: 1},
		// A stream that stays open for its duration without events is fine.
		{name: "duration", h: sseHandler([]string{": comment\n"}, "", true),
			flow: "      - sse.open: { url: /s, duration: 50ms }\n", counter: metrics.SSEStreams, want: 1},
		// A background stream closed by the server is a finding, and the
		// flow goes on.
		{name: "background closed early", h: sseHandler([]string{"data: a\n\n"}, "", false),
			flow: "      - sse.open: { url: /s, background: true, reconnect: false }\n      - think: 0.2\n      - sse.close: sse\n", counter: metrics.SSEClosedEarly, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.h)
			r := compile(t, rtScenario(t, s.URL, 0, tt.flow), engine.Options{})
			vu := r.vu(t, 1)
			err := r.iterate(t, vu)
			var ae *engine.AbortError
			switch {
			case tt.wantErr == metrics.ErrNone && err != nil:
				t.Fatalf("Iterate: %v", err)
			case tt.wantErr != metrics.ErrNone && (!errors.As(err, &ae) || ae.Kind != tt.wantErr):
				t.Fatalf("Iterate = %v, want an abort of kind %v", err, tt.wantErr)
			}
			if got := r.realtime().Counters[tt.counter]; got != tt.want {
				t.Errorf("%v = %d, want %d", tt.counter, got, tt.want)
			}
		})
	}
}

// TestSSEReconnect checks that a dropped stream reconnects with the last
// event ID, and that the reconnect is counted.
func TestSSEReconnect(t *testing.T) {
	var calls atomic.Int64
	var lastID atomic.Value
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		lastID.Store(r.Header.Get("Last-Event-ID"))
		w.Header().Set("Content-Type", "text/event-stream")
		if n == 1 {
			_, _ = w.Write([]byte("retry: 10\nid: 7\ndata: one\n\n"))
			return // dropped
		}
		_, _ = w.Write([]byte("id: 8\ndata: two\n\n"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	r := compile(t, rtScenario(t, s.URL, 0, "      - sse.open: { url: /s, events: 2 }\n"), engine.Options{})
	if err := r.iterate(t, r.vu(t, 1)); err != nil {
		t.Fatalf("Iterate: %v", err)
	}
	rt := r.realtime()
	if got := lastID.Load(); got != "7" {
		t.Errorf("Last-Event-ID on reconnect = %q, want 7", got)
	}
	if rt.Counters[metrics.SSEReconnects] != 1 || rt.Counters[metrics.SSEClosedEarly] != 1 || rt.Counters[metrics.SSEEvents] != 2 {
		t.Errorf("reconnects %d, closed early %d, events %d; want 1, 1, 2", rt.Counters[metrics.SSEReconnects],
			rt.Counters[metrics.SSEClosedEarly], rt.Counters[metrics.SSEEvents])
	}
	if rt.Count(metrics.TimingFirstEvent) != 2 {
		t.Errorf("first-event timings = %d, want one per connection", rt.Count(metrics.TimingFirstEvent))
	}
}

// wsEcho answers "ping N" with {"type":"pong","n":N} and closes abnormally
// (no close frame) on "die".
func wsEcho(t *testing.T) *server {
	up := websocket.Upgrader{}
	return newServer(t, func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if string(msg) == "die" {
				return // the TCP connection closes without a close frame
			}
			n := strings.TrimPrefix(string(msg), "ping ")
			_ = c.WriteMessage(websocket.TextMessage, []byte(`{"type":"noise"}`))
			_ = c.WriteMessage(websocket.TextMessage, []byte(`{"type":"pong","n":`+n+`}`))
		}
	})
}

func TestWSReplyReceiveAndClose(t *testing.T) {
	s := wsEcho(t)
	flow := `      - ws.connect: /ws
      - ws.send: { text: "ping 1", reply: { match: { json: $.type, value: pong }, capture: { json: $.n, as: n } } }
      - ws.send: "ping {{ n }}"
      - ws.receive: { match: { json: $.n, value: "1" }, timeout: 2s }
      - ws.ping: { timeout: 2s }
      - ws.send: die
      - think: 0.2
`
	r := compile(t, rtScenario(t, s.URL, 0, flow), engine.Options{})
	vu := r.vu(t, 1)
	if err := r.iterate(t, vu); err != nil {
		t.Fatalf("Iterate: %v", err)
	}
	if got := vu.Variable("n").String(); got != "1" {
		t.Errorf("captured n = %q, want 1", got)
	}
	rt := r.realtime()
	if rt.Counters[metrics.WSMessagesOut] != 3 || rt.Counters[metrics.WSHandshakes] != 1 {
		t.Errorf("out %d, handshakes %d; want 3, 1", rt.Counters[metrics.WSMessagesOut], rt.Counters[metrics.WSHandshakes])
	}
	if rt.Count(metrics.TimingReply) != 2 { // the reply and the pong
		t.Errorf("reply timings = %d, want 2", rt.Count(metrics.TimingReply))
	}
	if rt.Counters[metrics.WSAbnormalCloses] != 1 || rt.CloseCodes[1006-1000] != 1 {
		t.Errorf("abnormal closes %d (1006: %d), want 1", rt.Counters[metrics.WSAbnormalCloses], rt.CloseCodes[6])
	}
}

// TestWSReceiveTimeout checks that a receive that never matches fails with
// a timeout sample.
func TestWSReceiveTimeout(t *testing.T) {
	s := wsEcho(t)
	flow := "      - ws.connect: /ws\n      - ws.send: ping 1\n      - ws.receive: { match: { contains: never }, timeout: 100ms }\n"
	r := compile(t, rtScenario(t, s.URL, 0, flow), engine.Options{})
	err := r.iterate(t, r.vu(t, 1))
	var ae *engine.AbortError
	if !errors.As(err, &ae) || ae.Kind != metrics.ErrTimeout {
		t.Fatalf("Iterate = %v, want a timeout abort", err)
	}
	if st := r.byName("ws.receive scenarios[0].flow[2]"); st.ErrorsByKind[metrics.ErrTimeout] != 1 {
		t.Errorf("receive sample errors = %v, want one timeout", st.ErrorsByKind)
	}
}

// TestEveryTicks runs a body longer than the interval under a fake clock:
// the ticks that fall while it runs are counted as missed, not queued.
func TestEveryTicks(t *testing.T) {
	tests := []struct {
		name              string
		every             string
		wantRun, wantMiss int64
	}{
		// A short body: every tick runs on time.
		{name: "on time", every: "{ interval: 1s, count: 4, steps: [{ think: 0.5 }] }", wantRun: 4},
		// A 2.5 s body with a 1 s interval: ticks 0 and 3 run, 1, 2 and 4 are missed.
		{name: "slow body", every: "{ interval: 1s, count: 5, steps: [{ think: 2.5 }] }", wantRun: 2, wantMiss: 3},
		// A duration: ticks at 0, 1 and 2 s fall before 2.5 s.
		{name: "duration", every: "{ interval: 1s, duration: 2.5s, steps: [{ think: 0.1 }] }", wantRun: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := compile(t, rtScenario(t, "http://127.0.0.1:1", 0, "      - every: "+tt.every+"\n"), engine.Options{})
				vu := r.p.NewVU(1, 0, r.rec.Shard(1))
				defer vu.Close()
				start := time.Now()
				if err := r.iterate(t, vu); err != nil {
					t.Fatalf("Iterate: %v", err)
				}
				rt := r.realtime()
				if rt.Counters[metrics.EveryTicks] != tt.wantRun || rt.Counters[metrics.EveryMissed] != tt.wantMiss {
					t.Errorf("ticks %d, missed %d; want %d, %d (took %v)", rt.Counters[metrics.EveryTicks],
						rt.Counters[metrics.EveryMissed], tt.wantRun, tt.wantMiss, time.Since(start))
				}
			})
		})
	}
}
