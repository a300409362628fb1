package engine_test

import (
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/runner/engine/internal/scentest"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

func TestErrorKinds(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	tests := []struct {
		name string
		// handler serves the request (nil: no server; target is used as is).
		handler func(w http.ResponseWriter, r *http.Request)
		tls     bool
		target  func(t *testing.T) string
		adjust  func(sc *scenario.Scenario)
		// mods apply to the single request.
		mods      []func(*scenario.Request)
		wantKind  metrics.ErrorKind
		wantAbort bool
		wantHit   bool
	}{
		{
			// A 500 without a statusCode expectation is a status error that
			// does not end the flow.
			name:     "status 500",
			handler:  func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) },
			wantKind: metrics.ErrStatus, wantHit: true,
		},
		{
			// A 500 that a statusCode expectation accepts is a success.
			name:     "expected 500",
			handler:  func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) },
			mods:     []func(*scenario.Request){withExpect(scenario.Expect{Kind: scenario.ExpectStatusCode, Codes: []int{500}})},
			wantKind: metrics.ErrNone, wantHit: true,
		},
		{
			// A failed expectation is an expect error and ends the flow.
			name:     "expect failure",
			handler:  func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(201) },
			mods:     []func(*scenario.Request){withExpect(scenario.Expect{Kind: scenario.ExpectStatusCode, Codes: []int{200}})},
			wantKind: metrics.ErrExpect, wantAbort: true, wantHit: true,
		},
		{
			// A strict capture that finds nothing ends the flow.
			name:     "strict capture failure",
			handler:  func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{"a":1}`) },
			mods:     []func(*scenario.Request){captureJSON("$.b", "b")},
			wantKind: metrics.ErrCapture, wantAbort: true, wantHit: true,
		},
		{
			// A non-strict capture that finds nothing is not an error.
			name:    "lenient capture failure",
			handler: func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{"a":1}`) },
			mods: []func(*scenario.Request){withCapture(scenario.Capture{
				Kind: scenario.CaptureJSON, Expr: "$.b", As: "b", Strict: false})},
			wantKind: metrics.ErrNone, wantHit: true,
		},
		{
			// A closed port refuses the connection.
			name:     "refused",
			target:   func(t *testing.T) string { return "http://" + closedPort(t) },
			wantKind: metrics.ErrRefused, wantAbort: true,
		},
		{
			// A handler slower than the timeout times out.
			name: "timeout",
			handler: func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-release:
				}
			},
			adjust:   func(sc *scenario.Scenario) { sc.Config.HTTP.Timeout = 50 * time.Millisecond },
			wantKind: metrics.ErrTimeout, wantAbort: true, wantHit: true,
		},
		{
			// A name in the reserved .invalid domain does not resolve (the
			// resolver is offline: no query leaves the machine).
			name:     "dns",
			target:   func(*testing.T) string { return "http://loadgo-test.invalid" },
			wantKind: metrics.ErrDNS, wantAbort: true,
		},
		{
			// A self-signed certificate fails verification by default.
			name:     "tls unverified",
			handler:  func(w http.ResponseWriter, r *http.Request) {},
			tls:      true,
			wantKind: metrics.ErrTLS, wantAbort: true,
		},
		{
			// rejectUnauthorized: false accepts it.
			name:     "tls insecure",
			handler:  func(w http.ResponseWriter, r *http.Request) {},
			tls:      true,
			adjust:   func(sc *scenario.Scenario) { sc.Config.TLS.RejectUnauthorized = false },
			wantKind: metrics.ErrNone, wantHit: true,
		},
		{
			// A server that closes the connection mid-body is a reset.
			name: "reset mid-body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				conn, buf, err := w.(http.Hijacker).Hijack()
				if err != nil {
					return
				}
				_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
				_ = buf.Flush()
				_ = conn.Close()
			},
			wantKind: metrics.ErrReset, wantAbort: true, wantHit: true,
		},
		{
			// A response that is not HTTP is "other".
			name: "garbage response",
			handler: func(w http.ResponseWriter, r *http.Request) {
				conn, buf, err := w.(http.Hijacker).Hijack()
				if err != nil {
					return
				}
				_, _ = buf.WriteString("SSH-2.0-nope\r\n\r\n")
				_ = buf.Flush()
				_ = conn.Close()
			},
			wantKind: metrics.ErrOther, wantAbort: true, wantHit: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var srv *server
			target := ""
			switch {
			case tt.handler != nil && tt.tls:
				srv = newTLSServer(t, tt.handler)
				target = srv.URL
			case tt.handler != nil:
				srv = newServer(t, tt.handler)
				target = srv.URL
			default:
				target = tt.target(t)
			}
			sc := scen(target, get("/x", append([]func(*scenario.Request){named("x")}, tt.mods...)...), get("/after", named("after")))
			if tt.adjust != nil {
				tt.adjust(sc)
			}
			r := compile(t, sc, engine.Options{})
			engine.UseResolver(r.p, engine.OfflineResolver)
			err := r.iterate(t, r.vu(t, 1))
			if got := errors.Is(err, engine.ErrAborted); got != tt.wantAbort {
				t.Fatalf("Iterate error = %v, aborted = %v, want %v", err, got, tt.wantAbort)
			}
			st := r.byName("x")
			if st.Count != 1 {
				t.Fatalf("request x has %d samples, want exactly 1", st.Count)
			}
			if tt.wantKind == metrics.ErrNone {
				if st.Errors != 0 {
					t.Errorf("errors = %v, want none", st.ErrorsByKind)
				}
			} else if st.ErrorsByKind[tt.wantKind] != 1 || st.Errors != 1 {
				t.Errorf("errors by kind = %v, want one %s", st.ErrorsByKind, tt.wantKind)
			}
			if after := r.byName("after").Count; (after == 0) != tt.wantAbort {
				t.Errorf("the next step ran %d times; aborted = %v", after, tt.wantAbort)
			}
			if tt.wantAbort {
				var ae *engine.AbortError
				if !errors.As(err, &ae) || ae.Kind != tt.wantKind || ae.Step == "" {
					t.Errorf("error %v is not an AbortError of kind %s with a step", err, tt.wantKind)
				}
			}
			if srv != nil && (srv.hits.Load() > 0) != tt.wantHit {
				t.Errorf("server hits = %d, want hit = %v", srv.hits.Load(), tt.wantHit)
			}
		})
	}
}

func TestTLSWithCAFile(t *testing.T) {
	srv := newTLSServer(t, func(w http.ResponseWriter, r *http.Request) {})
	dir := t.TempDir()
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), cert, 0o600); err != nil {
		t.Fatal(err)
	}
	sc := scen(srv.URL, get("/", named("x")))
	sc.Dir = dir
	sc.Config.TLS.CAFile = "ca.pem" // relative to the scenario's directory
	r := compile(t, sc, engine.Options{})
	if err := r.iterate(t, r.vu(t, 1)); err != nil {
		t.Fatalf("Iterate with the server's certificate as CA: %v", err)
	}
	if st := r.byName("x"); st.Count != 1 || st.Errors != 0 {
		t.Errorf("count %d errors %v", st.Count, st.ErrorsByKind)
	}

	// Sad paths: a missing file, and a file without certificates.
	sc.Config.TLS.CAFile = "missing.pem"
	if _, err := engine.Compile(sc, nil, engine.Options{}); err == nil || !strings.Contains(err.Error(), "config.tls.ca") {
		t.Errorf("missing CA file: error = %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "empty.pem"), []byte("nothing"), 0o600); err != nil {
		t.Fatal(err)
	}
	sc.Config.TLS.CAFile = "empty.pem"
	if _, err := engine.Compile(sc, nil, engine.Options{}); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("empty CA file: error = %v", err)
	}
}

func TestBodyCap(t *testing.T) {
	body := "token=abc123;" + strings.Repeat("x", 2000) + "late=zzz;"
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, body) })
	sc := scen(srv.URL, get("/", named("x"),
		withCapture(scenario.Capture{Kind: scenario.CaptureRegexp, Expr: `token=(\w+)`, Group: 1, As: "token", Strict: true}),
		withCapture(scenario.Capture{Kind: scenario.CaptureRegexp, Expr: `late=(\w+)`, Group: 1, As: "late", Strict: false}),
	))
	sc.Config.HTTP.MaxBodyBytes = 64
	r := compile(t, sc, engine.Options{})
	vu := r.vu(t, 1)
	if err := r.iterate(t, vu); err != nil {
		t.Fatalf("a body over the cap is not an error: %v", err)
	}
	if got := vu.Variable("token").String(); got != "abc123" {
		t.Errorf("token = %q, want abc123 (within the cap)", got)
	}
	if vu.Variable("late").IsSet() {
		t.Errorf("late = %q, want unset (beyond the cap)", vu.Variable("late").String())
	}
	if st := r.byName("x"); st.BytesIn < int64(len(body)) || st.Errors != 0 {
		t.Errorf("bytes in = %d, want at least the whole body (%d); errors %v", st.BytesIn, len(body), st.ErrorsByKind)
	}
}

func TestUnbuildableRequestIsRecorded(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {})
	sc := scen(srv.URL, get("{{ where }}", named("x")), get("/after", named("after")))
	sc.Config.Variables = []scenario.Variable{{Name: "where", Values: []*scenario.Template{scentest.T("ftp://127.0.0.1/x")}}}
	r := compile(t, sc, engine.Options{})
	err := r.iterate(t, r.vu(t, 1))
	if !errors.Is(err, engine.ErrAborted) || !strings.Contains(err.Error(), "http or https") {
		t.Fatalf("error = %v, want an abort naming the bad URL", err)
	}
	if st := r.byName("x"); st.Count != 1 || st.ErrorsByKind[metrics.ErrOther] != 1 {
		t.Errorf("count %d errors %v, want one sample of kind other", st.Count, st.ErrorsByKind)
	}
	if srv.hits.Load() != 0 || r.byName("after").Count != 0 {
		t.Errorf("hits %d, after %d: nothing should have been sent", srv.hits.Load(), r.byName("after").Count)
	}
}
