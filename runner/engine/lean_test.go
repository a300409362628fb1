package engine_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/runner/engine/internal/scentest"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// rawServer serves each connection on 127.0.0.1 with fn, counting
// connections; it is for answers net/http's server will not give (a
// close-delimited body, a stale keep-alive connection, garbage).
type rawServer struct {
	ln    net.Listener
	conns atomic.Int64
	URL   string
}

func newRawServer(t testing.TB, fn func(c net.Conn, br *bufio.Reader)) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{ln: ln, URL: "http://" + ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.conns.Add(1)
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				fn(c, bufio.NewReader(c))
			}()
		}
	}()
	t.Cleanup(func() { _ = ln.Close() })
	return s
}

// readRequest reads one request (head and Content-Length body).
func readRequest(br *bufio.Reader) (*http.Request, error) {
	r, err := http.ReadRequest(br)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, r.Body)
	return r, nil
}

// leanCase is one behaviour both HTTP paths must share.
type leanCase struct {
	name    string
	handler http.HandlerFunc                   // served by an httptest server, or
	raw     func(c net.Conn, br *bufio.Reader) // served raw
	steps   func(base string) []scenario.Step  // the flow
	iters   int                                // iterations (default 1)
	check   func(t *testing.T, r *rig, vu *engine.VU, errs []error)
	timeout time.Duration
}

func gzipped(s string) []byte {
	var b strings.Builder
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte(s))
	_ = zw.Close()
	return []byte(b.String())
}

func leanCases() []leanCase {
	ok := func(t *testing.T, errs []error) {
		t.Helper()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("Iterate: %v", err)
			}
		}
	}
	kind := func(t *testing.T, r *rig, name string, want metrics.ErrorKind, count int64) {
		t.Helper()
		st := r.byName(name)
		got := st.ErrorsByKind[want]
		if want == metrics.ErrNone {
			got = count - st.Errors
		}
		if st.Count != count || got != count {
			t.Errorf("%s: count %d, errors %v; want %d samples of kind %q", name, st.Count, st.ErrorsByKind, count, want)
		}
	}
	return []leanCase{
		{
			// A chunked JSON answer is read in full and captured.
			name: "chunked body with JSON capture",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"token":`)
				w.(http.Flusher).Flush()
				_, _ = io.WriteString(w, `"abc"}`)
			},
			steps: func(string) []scenario.Step {
				return []scenario.Step{get("/", named("x"), captureJSON("$.token", "tok"))}
			},
			check: func(t *testing.T, r *rig, vu *engine.VU, errs []error) {
				ok(t, errs)
				if got := vu.Variable("tok").String(); got != "abc" {
					t.Errorf("tok = %q, want abc", got)
				}
			},
		},
		{
			// A gzip answer is decompressed transparently: captures see the
			// text, and the Content-Encoding header is gone, as in net/http.
			name: "gzip decompressed",
			handler: func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Accept-Encoding") != "gzip" {
					http.Error(w, "no gzip asked", http.StatusBadRequest)
					return
				}
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write(gzipped("value=zipped;"))
			},
			steps: func(string) []scenario.Step {
				return []scenario.Step{get("/", named("x"),
					withCapture(scenario.Capture{Kind: scenario.CaptureRegexp, Expr: `value=(\w+)`, Group: 1, As: "v", Strict: true}),
					withCapture(scenario.Capture{Kind: scenario.CaptureHeader, Expr: "content-encoding", As: "ce", Strict: false}))}
			},
			check: func(t *testing.T, r *rig, vu *engine.VU, errs []error) {
				ok(t, errs)
				if got := vu.Variable("v").String(); got != "zipped" {
					t.Errorf("v = %q, want zipped", got)
				}
				if vu.Variable("ce").IsSet() {
					t.Errorf("Content-Encoding visible after decompression: %q", vu.Variable("ce").String())
				}
			},
		},
		{
			// Keep-alive: several iterations use one connection.
			name:    "keep-alive reuse",
			handler: func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") },
			steps:   func(string) []scenario.Step { return []scenario.Step{get("/", named("x"))} },
			iters:   5,
			check: func(t *testing.T, r *rig, vu *engine.VU, errs []error) {
				ok(t, errs)
				kind(t, r, "x", metrics.ErrNone, 5)
			},
		},
		{
			// A 302 after a POST becomes a GET without body; the cookie set by
			// the redirect is sent to the next hop; one sample in all.
			name: "redirect with cookie",
			handler: func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/a":
					http.SetCookie(w, &http.Cookie{Name: "sid", Value: "s1", Path: "/"})
					http.Redirect(w, r, "/b", http.StatusFound)
				case "/b":
					c, err := r.Cookie("sid")
					if r.Method != http.MethodGet || err != nil || c.Value != "s1" {
						http.Error(w, "want GET with cookie", http.StatusBadRequest)
						return
					}
					_, _ = io.WriteString(w, "done")
				}
			},
			steps: func(string) []scenario.Step {
				return []scenario.Step{req(http.MethodPost, "/a", named("x"), func(r *scenario.Request) { r.Body = scentest.T("payload") })}
			},
			check: func(t *testing.T, r *rig, vu *engine.VU, errs []error) {
				ok(t, errs)
				kind(t, r, "x", metrics.ErrNone, 1)
			},
		},
		{
			// A 307 repeats the method and the body.
			name: "307 keeps body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				if r.URL.Path == "/a" {
					http.Redirect(w, r, "/b", http.StatusTemporaryRedirect)
					return
				}
				if r.Method != http.MethodPost || string(b) != "payload" {
					http.Error(w, "want the POST body again", http.StatusBadRequest)
				}
			},
			steps: func(string) []scenario.Step {
				return []scenario.Step{req(http.MethodPost, "/a", named("x"), func(r *scenario.Request) { r.Body = scentest.T("payload") })}
			},
			check: func(t *testing.T, r *rig, vu *engine.VU, errs []error) {
				ok(t, errs)
				kind(t, r, "x", metrics.ErrNone, 1)
			},
		},
		{
			// An endless redirect stops after 10 hops with an error.
			name:    "too many redirects",
			handler: func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) },
			steps:   func(string) []scenario.Step { return []scenario.Step{get("/loop", named("x"))} },
			check: func(t *testing.T, r *rig, vu *engine.VU, errs []error) {
				if !errors.Is(errs[0], engine.ErrAborted) {
					t.Errorf("err = %v, want an abort", errs[0])
				}
				kind(t, r, "x", metrics.ErrOther, 1)
			},
		},
		{
			// Status >= 400 is an error of kind status; HEAD reads no body
			// even with a Content-Length; 204 has none either.
			name: "status, HEAD and 204",
			handler: func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/head":
					w.Header().Set("Content-Length", "100")
				case "/none":
					w.WriteHeader(http.StatusNoContent)
				default:
					w.WriteHeader(http.StatusInternalServerError)
				}
			},
			steps: func(string) []scenario.Step {
				return []scenario.Step{req(http.MethodHead, "/head", named("h")), get("/none", named("n")), get("/err", named("e"))}
			},
			iters: 2,
			check: func(t *testing.T, r *rig, vu *engine.VU, errs []error) {
				ok(t, errs)
				kind(t, r, "h", metrics.ErrNone, 2)
				kind(t, r, "n", metrics.ErrNone, 2)
				kind(t, r, "e", metrics.ErrStatus, 2)
			},
		},
		{
			// A body delimited by the server closing the connection, after a
			// 100 Continue that must be skipped.
			name: "1xx then close-delimited body",
			raw: func(c net.Conn, br *bufio.Reader) {
				if _, err := readRequest(br); err != nil {
					return
				}
				_, _ = io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX-Token: t9\r\n\r\nall of it")
			},
			steps: func(string) []scenario.Step {
				return []scenario.Step{get("/", named("x"),
					withCapture(scenario.Capture{Kind: scenario.CaptureHeader, Expr: "x-token", As: "tok", Strict: true}),
					withCapture(scenario.Capture{Kind: scenario.CaptureRegexp, Expr: `of (\w+)`, Group: 1, As: "w", Strict: true}))}
			},
			iters: 2,
			check: func(t *testing.T, r *rig, vu *engine.VU, errs []error) {
				ok(t, errs)
				if vu.Variable("tok").String() != "t9" || vu.Variable("w").String() != "it" {
					t.Errorf("captures tok=%q w=%q, want t9 and it", vu.Variable("tok").String(), vu.Variable("w").String())
				}
				kind(t, r, "x", metrics.ErrNone, 2)
			},
		},
		{
			// The server closes a keep-alive connection without saying so:
			// the next request finds it closed and is retried on a new one.
			name: "stale keep-alive retried",
			raw: func(c net.Conn, br *bufio.Reader) {
				if _, err := readRequest(br); err != nil {
					return
				}
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
				time.Sleep(20 * time.Millisecond) // let the client read it before the FIN
			},
			steps: func(string) []scenario.Step { return []scenario.Step{get("/", named("x"))} },
			iters: 3,
			check: func(t *testing.T, r *rig, vu *engine.VU, errs []error) {
				ok(t, errs)
				kind(t, r, "x", metrics.ErrNone, 3)
			},
		},
		{
			// A body cut short is a reset.
			name: "truncated body",
			raw: func(c net.Conn, br *bufio.Reader) {
				if _, err := readRequest(br); err != nil {
					return
				}
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
			},
			steps: func(string) []scenario.Step { return []scenario.Step{get("/", named("x"))} },
			check: func(t *testing.T, r *rig, vu *engine.VU, errs []error) { kind(t, r, "x", metrics.ErrReset, 1) },
		},
		{
			// Garbage instead of a status line is an error of kind other.
			name: "malformed response",
			raw: func(c net.Conn, br *bufio.Reader) {
				if _, err := readRequest(br); err != nil {
					return
				}
				_, _ = io.WriteString(c, "SSH-2.0-nope\r\n\r\n")
			},
			steps: func(string) []scenario.Step { return []scenario.Step{get("/", named("x"))} },
			check: func(t *testing.T, r *rig, vu *engine.VU, errs []error) { kind(t, r, "x", metrics.ErrOther, 1) },
		},
		{
			// A server slower than the timeout gives a timeout.
			name: "timeout",
			raw: func(c net.Conn, br *bufio.Reader) {
				_, _ = readRequest(br)
				_, _ = br.ReadByte() // wait for the client to give up
			},
			timeout: 100 * time.Millisecond,
			steps:   func(string) []scenario.Step { return []scenario.Step{get("/", named("x"))} },
			check:   func(t *testing.T, r *rig, vu *engine.VU, errs []error) { kind(t, r, "x", metrics.ErrTimeout, 1) },
		},
	}
}

// TestLeanMatchesNetHTTP runs every case over the lean client and over
// net/http: both must give the same outcome, sample by sample, and the
// same byte counts.
func TestLeanMatchesNetHTTP(t *testing.T) {
	for _, tc := range leanCases() {
		t.Run(tc.name, func(t *testing.T) {
			var base string
			if tc.raw != nil {
				base = newRawServer(t, tc.raw).URL
			} else {
				base = newServer(t, tc.handler).URL
			}
			var bytes [2][2]int64
			for i, path := range []string{"lean", "net/http"} {
				t.Run(path, func(t *testing.T) {
					sc := scen(base, tc.steps(base)...)
					if tc.timeout > 0 {
						sc.Config.HTTP.Timeout = tc.timeout
					}
					r := compile(t, sc, engine.Options{Seed: 1})
					if path == "net/http" {
						engine.UseNetHTTP(r.p)
					}
					vu := r.vu(t, 1)
					errs := make([]error, max(tc.iters, 1))
					for j := range errs {
						errs[j] = r.iterate(t, vu)
					}
					tc.check(t, r, vu, errs)
					sum := r.summary()
					bytes[i] = [2]int64{sum.Total.BytesIn, sum.Total.BytesOut}
				})
			}
			if bytes[0] != bytes[1] {
				t.Errorf("bytes in/out: lean %v, net/http %v; want the same approximation", bytes[0], bytes[1])
			}
		})
	}
}

// TestLeanCancelled checks that cancelling ctx ends an in-flight lean
// request at once, records nothing and counts it as cancelled.
func TestLeanCancelled(t *testing.T) {
	arrived := make(chan struct{}, 1)
	srv := newRawServer(t, func(c net.Conn, br *bufio.Reader) {
		_, _ = readRequest(br)
		arrived <- struct{}{}
		_, _ = br.ReadByte() // hold the request until the client goes away
	})
	r := compile(t, scen(srv.URL, get("/", named("x"))), engine.Options{Seed: 1})
	vu := r.vu(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	err := r.p.Iterate(ctx, vu, time.Time{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Iterate = %v, want context.Canceled", err)
	}
	if got := r.byName("x").Count; got != 0 || r.p.Cancelled() != 1 {
		t.Errorf("samples %d, cancelled %d; want 0 and 1", got, r.p.Cancelled())
	}
}

// TestLeanRefused checks that a closed port is a refused connection.
func TestLeanRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	r := compile(t, scen("http://"+addr, get("/", named("x"))), engine.Options{Seed: 1})
	if err := r.iterate(t, r.vu(t, 1)); !errors.Is(err, engine.ErrAborted) {
		t.Fatalf("Iterate = %v, want an abort", err)
	}
	if st := r.byName("x"); st.ErrorsByKind[metrics.ErrRefused] != 1 {
		t.Errorf("errors %v, want one refused", st.ErrorsByKind)
	}
}

// TestLeanSharesConnectionAcrossIterations checks that the lean path keeps
// one connection for a VU's sequential flow.
func TestLeanSharesConnectionAcrossIterations(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	r := compile(t, scen(srv.URL, get("/a"), get("/b")), engine.Options{Seed: 1})
	vu := r.vu(t, 1)
	for range 3 {
		if err := r.iterate(t, vu); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.conns.Load(); n != 1 {
		t.Errorf("connections = %d, want 1", n)
	}
	if h := srv.hits.Load(); h != 6 {
		t.Errorf("hits = %d, want 6", h)
	}
}
