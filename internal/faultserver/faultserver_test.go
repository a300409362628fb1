package faultserver_test

import (
	"io"
	"net/http"
	"runtime"
	"testing"

	"go.uber.org/goleak"

	"github.com/loadgo/loadgo/internal/faultserver"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestFaults checks the server's contract with a plain client: what each
// fault does to a request, and that Close ends stalled and endless
// handlers instead of waiting for them.
func TestFaults(t *testing.T) {
	s := faultserver.Start()
	defer s.Close()
	s.HugeBytes = 1 << 20
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	tests := []struct {
		f faultserver.Fault
		// status is the answer's status (0: the request fails); size the
		// body length read when the body is complete (-1: not checked).
		status  int
		size    int64
		bodyErr bool
	}{
		{f: faultserver.OK, status: 200, size: int64(len(`{"ok":true}`))},   // the control
		{f: faultserver.Status5xx, status: 503, size: -1},                   // a 5xx
		{f: faultserver.ResetBeforeResponse},                                // no status at all
		{f: faultserver.ResetMidBody, status: 200, size: -1, bodyErr: true}, // a body cut short
		{f: faultserver.SlowDrip, status: 200, size: 20},                    // 20 bytes, slowly
		{f: faultserver.Huge, status: 200, size: 1 << 20},                   // HugeBytes bytes
		{f: faultserver.Garbage},                                            // not HTTP
	}
	for _, tt := range tests {
		t.Run(tt.f.String(), func(t *testing.T) {
			resp, err := c.Get(s.URL + tt.f.Path())
			if tt.status == 0 {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("GET %s succeeded with %d, want an error", tt.f.Path(), resp.StatusCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("GET %s: %v", tt.f.Path(), err)
			}
			defer resp.Body.Close()
			n, err := io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != tt.status || (err != nil) != tt.bodyErr || (tt.size >= 0 && n != tt.size) {
				t.Errorf("status %d, %d bytes, body error %v; want %d, %d bytes, error %v", resp.StatusCode, n, err, tt.status, tt.size, tt.bodyErr)
			}
			if s.Hits(tt.f) != 1 {
				t.Errorf("hits %d, want 1", s.Hits(tt.f))
			}
		})
	}
	// Stalled and endless requests in flight when the server closes.
	done := make(chan error, 2)
	for _, f := range []faultserver.Fault{faultserver.Stall, faultserver.Endless} {
		go func() {
			resp, err := c.Get(s.URL + f.Path())
			if err == nil {
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			done <- err
		}()
	}
	for s.Hits(faultserver.Stall) == 0 || s.Hits(faultserver.Endless) == 0 {
		runtime.Gosched() // until both handlers run
	}
	s.Close()
	for range 2 {
		if err := <-done; err == nil {
			t.Error("a request in flight at Close succeeded")
		}
	}
}
