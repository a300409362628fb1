// Package targets holds the small HTTP servers the benchmarks load: a
// minimal "hello" answer (the Go counterpart of nginx's `return 200`), a
// fixed-delay answer (the added-latency measurement) and a target that
// freezes every answer for one window of each cycle (the coordinated-
// omission measurement). Every handler records its own handler time, so a
// benchmark can subtract what the server spent from what the generator saw.
//
// The servers are meant for loopback only: ListenLoopback refuses any other
// address.
package targets

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// StatsPath serves the handler-time statistics as JSON (GET) and resets
// them (POST or DELETE).
const StatsPath = "/__stats"

// HandlerStats are the handler-time statistics a target serves on
// StatsPath, in microseconds.
type HandlerStats struct {
	Count int64 `json:"count"`
	P50   int64 `json:"p50_us"`
	P90   int64 `json:"p90_us"`
	P99   int64 `json:"p99_us"`
	Max   int64 `json:"max_us"`
}

// Recorder records handler times into an HDR histogram (1 µs to 1 h, 3
// significant figures). The zero value is not usable; use NewRecorder.
type Recorder struct {
	mu sync.Mutex
	h  *hdrhistogram.Histogram
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder {
	return &Recorder{h: hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 3)}
}

// Record adds one handler time. Values out of range are clamped.
func (r *Recorder) Record(d time.Duration) {
	us := min(max(int64(d/time.Microsecond), 1), r.h.HighestTrackableValue())
	r.mu.Lock()
	_ = r.h.RecordValue(us) // in range: cannot fail
	r.mu.Unlock()
}

// Stats returns the statistics so far.
func (r *Recorder) Stats() HandlerStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return HandlerStats{
		Count: r.h.TotalCount(),
		P50:   r.h.ValueAtQuantile(50),
		P90:   r.h.ValueAtQuantile(90),
		P99:   r.h.ValueAtQuantile(99),
		Max:   r.h.Max(),
	}
}

// Reset empties the recorder.
func (r *Recorder) Reset() {
	r.mu.Lock()
	r.h.Reset()
	r.mu.Unlock()
}

// Handle wraps h: every request except StatsPath's has its handler time
// recorded into rec, and StatsPath serves rec's statistics.
func Handle(rec *Recorder, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == StatsPath {
			serveStats(rec, w, r)
			return
		}
		start := time.Now()
		h.ServeHTTP(w, r)
		rec.Record(time.Since(start))
	})
}

func serveStats(rec *Recorder, w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(rec.Stats())
	case http.MethodPost, http.MethodDelete:
		rec.Reset()
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// Hello answers 200 with a two-byte body at once.
func Hello() http.Handler {
	body := []byte("ok")
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write(body)
	})
}

// Delay answers like Hello after d (or when the client goes away).
func Delay(d time.Duration) http.Handler {
	hello := Hello()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !sleepCtx(r.Context(), d) {
			return
		}
		hello.ServeHTTP(w, r)
	})
}

// sleepCtx sleeps for d or until ctx is done; it reports whether it slept
// the whole time.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// ListenLoopback listens on addr, which must be a loopback address
// (127.0.0.0/8 or ::1) with a port (0 picks one).
func ListenLoopback(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("listen %q: %w", addr, err)
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("listen %q: only loopback addresses (127.0.0.0/8, ::1) are allowed", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %q: %w", addr, err)
	}
	return ln, nil
}
