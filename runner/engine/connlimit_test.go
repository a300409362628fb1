package engine_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// holdServer answers HTTP requests and WebSocket upgrades, but holds every
// exchange open until release is closed: the connection of the first VU
// stays busy while the second one dials. arrived receives one value per
// request as it arrives.
func holdServer(t *testing.T, tls bool) (srv *server, arrived chan struct{}, release func()) {
	arrived = make(chan struct{}, 16)
	gate := make(chan struct{})
	var once sync.Once
	up := websocket.Upgrader{}
	h := func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		if websocket.IsWebSocketUpgrade(r) {
			c, err := up.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer c.Close()
			<-gate
			return
		}
		<-gate
		_, _ = w.Write([]byte("ok"))
	}
	if tls {
		srv = newTLSServer(t, h)
	} else {
		srv = newServer(t, h)
	}
	release = func() { once.Do(func() { close(gate) }) }
	t.Cleanup(release) // before the server's Close, which waits for handlers
	return srv, arrived, release
}

// TestConnCap holds one connection open with the cap at 1, so that a
// second VU's dial is refused: on every path that dials (the lean client,
// net/http, the shared pool, HTTPS, WebSocket). The refusal is counted as
// conncap, warned about once, and never blocks; once the first VU's
// connection closes, the second VU connects.
func TestConnCap(t *testing.T) {
	tests := []struct {
		name string
		// tls serves HTTPS (net/http's transport and the TLS handshake on
		// top of the capped connection).
		tls bool
		// netHTTP sends plain http through net/http instead of the lean
		// client.
		netHTTP bool
		// pool is config.http.pool.
		pool string
		// flow is the YAML flow; request is the name its samples record as.
		flow, request string
	}{
		// The default path: the lean client's own dial.
		{name: "lean client", pool: "vu", flow: "      - get: { url: /x }\n", request: "/x"},
		// net/http's transport with a pool per VU.
		{name: "net/http", netHTTP: true, pool: "vu", flow: "      - get: { url: /x }\n", request: "/x"},
		// One pool shared by every VU: the second request needs a second
		// connection while the first is busy.
		{name: "shared pool", pool: "shared", flow: "      - get: { url: /x }\n", request: "/x"},
		// HTTPS: TLS runs over the capped connection.
		{name: "https", tls: true, pool: "vu", flow: "      - get: { url: /x }\n", request: "/x"},
		// A WebSocket handshake dials through the cap too.
		{name: "websocket", pool: "vu", flow: "      - ws.connect: /ws\n", request: "/ws"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, arrived, release := holdServer(t, tt.tls)
			target := srv.URL
			if tt.request == "/ws" {
				target = "ws" + strings.TrimPrefix(srv.URL, "http")
			}
			src := "config:\n  target: " + target + "\n  tls: { rejectUnauthorized: false }\n  http: { timeout: 20, pool: " + tt.pool +
				", maxConnections: 1 }\n  phases: [{duration: 1, vus: 2}]\nscenarios:\n  - flow:\n" + tt.flow
			sc, err := scenario.Parse("cap.yaml", []byte(src), scenario.LoadOptions{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			log := &syncBuffer{}
			r := compile(t, sc, engine.Options{Log: log})
			if tt.netHTTP {
				engine.UseNetHTTP(r.p)
			}
			if limit, _ := r.p.ConnCap(); limit != 1 {
				t.Fatalf("ConnCap limit = %d, want config.http.maxConnections 1", limit)
			}
			a, b := r.vu(t, 1), r.vu(t, 2)
			done := make(chan error, 1)
			go func() { done <- r.iterate(t, a) }()
			<-arrived // a's connection is open and busy

			for range 2 {
				err := r.iterate(t, b)
				var capErr *engine.ConnCapError
				if !errors.As(err, &capErr) || capErr.Max != 1 {
					t.Fatalf("second VU: err = %v, want a ConnCapError of 1", err)
				}
			}
			if _, refused := r.p.ConnCap(); refused != 2 {
				t.Errorf("refused = %d, want 2", refused)
			}
			if got := strings.Count(log.String(), "connection cap 1 reached"); got != 1 {
				t.Errorf("the warning was written %d times, want once:\n%s", got, log)
			}
			if !strings.Contains(log.String(), "--max-conns") {
				t.Errorf("the warning does not say how to raise the cap:\n%s", log)
			}

			release()
			if err := <-done; err != nil {
				t.Fatalf("first VU: %v", err)
			}
			a.Close()
			// A shared pool keeps the idle connection for the next VU.
			if n, want := r.p.OpenConns(), int64(boolInt(tt.pool == "shared")); n != want {
				t.Fatalf("OpenConns after the first VU closed = %d, want %d", n, want)
			}
			if err := r.iterate(t, b); err != nil {
				t.Fatalf("second VU after the slot was freed: %v", err)
			}
			b.Close()
			st := r.byName(tt.request)
			if st.ErrorsByKind[metrics.ErrConnCap] != 2 || st.Errors != 2 {
				t.Errorf("errors = %d (conncap %d), want 2 conncap; by kind %v", st.Errors, st.ErrorsByKind[metrics.ErrConnCap], st.ErrorsByKind)
			}
			r.p.Close()
			if n := r.p.OpenConns(); n != 0 {
				t.Errorf("OpenConns after every VU and the program closed = %d, want 0", n)
			}
		})
	}
}

// TestConnCapOptions checks where the cap comes from: Options.MaxConns
// overrides config.http.maxConnections; neither means no cap.
func TestConnCapOptions(t *testing.T) {
	tests := []struct {
		name   string
		config int // config.http.maxConnections (0: unset)
		opt    int // Options.MaxConns
		want   int
	}{
		// Neither: no cap (a library user opts in; the CLI always sets one).
		{name: "none", want: 0},
		// The scenario's setting.
		{name: "config", config: 7, want: 7},
		// The option (--max-conns) wins over the scenario.
		{name: "option overrides config", config: 7, opt: 3, want: 3},
		// A negative option is ignored: the scenario's setting applies.
		{name: "negative option", config: 7, opt: -1, want: 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := scen("http://127.0.0.1:1", get("/"))
			sc.Config.HTTP.MaxConnections = tt.config
			r := compile(t, sc, engine.Options{MaxConns: tt.opt})
			if got, refused := r.p.ConnCap(); got != tt.want || refused != 0 {
				t.Errorf("ConnCap() = %d, %d; want %d, 0", got, refused, tt.want)
			}
		})
	}
}

// TestConnCapRefusedDialFreesNothing dials a closed port under a cap of
// one: a failed dial must give its slot back, or a run against a dead
// target would exhaust the cap with connections that never opened.
func TestConnCapRefusedDialFreesNothing(t *testing.T) {
	srv := newServer(t, func(http.ResponseWriter, *http.Request) {})
	dead := srv.URL
	srv.Close()
	sc := scen(dead, get("/"))
	sc.Config.HTTP.MaxConnections = 1
	r := compile(t, sc, engine.Options{})
	vu := r.vu(t, 1)
	for range 3 {
		err := r.p.Iterate(context.Background(), vu, time.Time{})
		var capErr *engine.ConnCapError
		if err == nil || errors.As(err, &capErr) {
			t.Fatalf("err = %v, want a refused connection, not the cap", err)
		}
	}
	if n := r.p.OpenConns(); n != 0 {
		t.Errorf("OpenConns = %d after failed dials, want 0", n)
	}
	if st := r.byName("/"); st.ErrorsByKind[metrics.ErrRefused] != 3 {
		t.Errorf("refused = %d, want 3 (by kind %v)", st.ErrorsByKind[metrics.ErrRefused], st.ErrorsByKind)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
