package engine_test

import (
	"bufio"
	"net"
	"testing"
	"time"

	"github.com/loadgo/loadgo/runner/engine"
)

// TestLeanLatencyEndsAtLastByte checks both ends of a lean request's
// latency: a body whose last bytes come 40 ms after its head is not done
// before they arrive (the latency covers the whole response), and checks
// that run after the last byte do not lengthen it — only the receipt counts.
func TestLeanLatencyEndsAtLastByte(t *testing.T) {
	const gap = 40 * time.Millisecond
	srv := newRawServer(t, func(c net.Conn, br *bufio.Reader) {
		for {
			if _, err := readRequest(br); err != nil {
				return
			}
			_, _ = c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"a\""))
			time.Sleep(gap)
			_, _ = c.Write([]byte(":12345}"))
		}
	})
	r := compile(t, scen(srv.URL, get("/", named("x"), captureJSON("$.a", "a"))), engine.Options{Seed: 1})
	vu := r.vu(t, 1)
	for range 3 {
		if err := r.iterate(t, vu); err != nil {
			t.Fatal(err)
		}
	}
	st := r.byName("x")
	if st.Count != 3 || st.Errors != 0 {
		t.Fatalf("count %d errors %d, want 3 and 0", st.Count, st.Errors)
	}
	if min := time.Duration(st.Latency.Min()) * time.Microsecond; min < gap {
		t.Errorf("shortest latency %v, want ≥ %v: the response ended before its last byte", min, gap)
	}
}
