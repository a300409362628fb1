// Package demo is loadgo's built-in demo target: a small API shaped like the
// services our users test (a show catalogue with login, a cursor-paged list,
// a show page whose view counter increments, and write endpoints), served on
// loopback so a first run needs no server of one's own.
//
// The server counts every request it handles (GET /stats), so tests and
// users can compare what loadgo reported with what the server saw.
package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure the demo server.
type Options struct {
	// Delay is added to every API response (not /stats or /health), to
	// imitate a slower backend.
	Delay time.Duration
	// Shows is the size of the initial catalogue (default 100).
	Shows int
	// Counter is the view counter mode: CounterSafe (default) or
	// CounterNaive, which really loses concurrent views.
	Counter string
}

// Server is a running demo target.
type Server struct {
	opts     Options
	srv      *http.Server
	ln       net.Listener
	requests atomic.Int64
	byRoute  routeCounts
	store    *store
	views    *viewCounter
	rt       *realtime
	done     chan struct{}
	serveErr atomic.Pointer[error]
}

// Start listens on addr, which must be a loopback address ("127.0.0.1:0"
// picks a free port), and serves until Close.
func Start(addr string, opts Options) (*Server, error) {
	if err := checkLoopback(addr); err != nil {
		return nil, err
	}
	if opts.Shows <= 0 {
		opts.Shows = 100
	}
	views, err := newViewCounter(opts.Counter)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("demo target: %w", err)
	}
	s := &Server{opts: opts, ln: ln, store: newStore(opts.Shows), views: views, rt: newRealtime(), done: make(chan struct{})}
	s.srv = &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.serveErr.Store(&err)
		}
	}()
	return s, nil
}

// checkLoopback refuses any address that is not loopback: the demo target
// is load-tested, and load only ever goes to this machine.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("demo target: address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("demo target: address %q is not a loopback address (use 127.0.0.1:PORT)", addr)
	}
	return nil
}

// URL is the server's base URL, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Requests returns how many API requests the server has handled (requests
// to /stats and /health are not counted).
func (s *Server) Requests() int64 { return s.requests.Load() }

// Close stops the server. Real-time streams, sockets and held polls are
// told to end first. In-flight requests get up to 2 s to finish; then
// every connection is closed (connections a client opened but never used
// would otherwise hold Shutdown for 5 s).
func (s *Server) Close() error {
	s.rt.shutdown()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = s.srv.Close()
	}
	<-s.done
	s.rt.wait()
	if p := s.serveErr.Load(); p != nil && err == nil {
		err = fmt.Errorf("demo target: %w", *p)
	}
	return err
}

// routeCounts counts requests per route pattern.
type routeCounts struct {
	mu sync.Mutex
	m  map[string]int64
}

func (c *routeCounts) add(route string) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]int64{}
	}
	c.m[route]++
	c.mu.Unlock()
}

func (c *routeCounts) snapshot() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int64, len(c.m))
	for k, v := range c.m {
		out[k] = v
	}
	return out
}

// counted wraps an API handler: it counts the request and applies the delay.
func (s *Server) counted(pattern string, h http.HandlerFunc) (string, http.Handler) {
	return pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		s.byRoute.add(pattern)
		if s.opts.Delay > 0 {
			t := time.NewTimer(s.opts.Delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		h(w, r)
	})
}
