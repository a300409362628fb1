package demo

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// views reads a show's counter without counting a view.
func views(t *testing.T, c *http.Client, s *Server, id int) int64 {
	t.Helper()
	resp, err := c.Get(fmt.Sprintf("%s/shows/%d/views", s.URL(), id))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]int64
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != 200 || m["id"] != int64(id) {
		t.Fatalf("GET /shows/%d/views: %d %v %v", id, resp.StatusCode, m, err)
	}
	return m["views"]
}

// fireViews sends n concurrent views of show id, each with its own device
// token (so dedupe never hides a view), and returns how many were lost.
func fireViews(t *testing.T, c *http.Client, s *Server, id, n, round int) int64 {
	t.Helper()
	before := views(t, c, s, id)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			req, _ := http.NewRequest("GET", fmt.Sprintf("%s/shows/%d", s.URL(), id), nil)
			req.Header.Set("Device-Token", fmt.Sprintf("r%d-d%d", round, i))
			resp, err := c.Do(req)
			if err != nil {
				errs <- err
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return int64(n) - (views(t, c, s, id) - before)
}

// TestCounterModes: the naive counter loses views under 200 concurrent
// requests (a 1 ms read-to-write window; up to three rounds so one
// unlucky schedule cannot pass it), the safe counter loses none.
func TestCounterModes(t *testing.T) {
	const n = 200
	cases := []struct {
		mode     string
		wantLoss bool
	}{
		// The deliberate bug a load test must catch.
		{CounterNaive, true},
		// The default, correct counter.
		{CounterSafe, false},
	}
	for _, tc := range cases {
		t.Run(tc.mode, func(t *testing.T) {
			s, err := Start("127.0.0.1:0", Options{Shows: 5, Counter: tc.mode})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			c := newClient(t)
			var lost int64
			for round := 0; round < 3 && (lost == 0 || !tc.wantLoss); round++ {
				l := fireViews(t, c, s, 3, n, round)
				if l < 0 {
					t.Fatalf("round %d: %d more views than requests", round, -l)
				}
				lost += l
				t.Logf("round %d: %d of %d concurrent views lost", round, l, n)
				if !tc.wantLoss {
					break
				}
			}
			if tc.wantLoss && lost == 0 {
				t.Errorf("naive counter lost no view in three rounds of %d", n)
			}
			if !tc.wantLoss && lost != 0 {
				t.Errorf("safe counter lost %d views", lost)
			}
			if got := s.views.snapshot().Mode; got != tc.mode {
				t.Errorf("stats mode %q, want %q", got, tc.mode)
			}
		})
	}
	if _, err := Start("127.0.0.1:0", Options{Counter: "fast"}); err == nil {
		t.Error("an unknown counter mode was accepted")
	}
}

// TestDeviceTokenDedupe: a token counts once per show per UTC day; the
// memory is bounded and evictions are counted.
func TestDeviceTokenDedupe(t *testing.T) {
	vc, err := newViewCounter(CounterSafe)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 23, 59, 0, 0, time.UTC)
	vc.now = func() time.Time { return now }
	vc.cap = 3
	show1, show2 := &show{ID: 1}, &show{ID: 2}
	steps := []struct {
		name    string
		sh      *show
		token   string
		advance time.Duration
		counted bool
	}{
		// First view of a device: counted.
		{"first", show1, "a", 0, true},
		// Same device, same show, same day: not counted.
		{"repeat", show1, "a", 0, false},
		// Same device, another show: counted.
		{"other show", show2, "a", 0, true},
		// No token: always counted.
		{"no token", show1, "", 0, true},
		{"no token again", show1, "", 0, true},
		// After UTC midnight the device counts again (fills the cap of 3).
		{"next day", show1, "a", 2 * time.Minute, true},
		// A fourth key evicts the oldest (show1/a/day 1)...
		{"evicts", show1, "b", 0, true},
		// ...so a repeat from the same day still dedupes (key is day 2).
		{"repeat next day", show1, "a", 0, false},
	}
	for _, st := range steps {
		now = now.Add(st.advance)
		if got := vc.count(st.sh, st.token); got != st.counted {
			t.Errorf("%s: counted %v, want %v", st.name, got, st.counted)
		}
	}
	if show1.views.Load() != 5 || show2.views.Load() != 1 {
		t.Errorf("views %d/%d, want 5/1", show1.views.Load(), show2.views.Load())
	}
	snap := vc.snapshot()
	if snap.Deduped != 2 || snap.DedupeEvictions != 1 || snap.DedupeRemembered != 3 {
		t.Errorf("stats %+v, want 2 deduped, 1 eviction, 3 remembered", snap)
	}
}

// TestDeviceTokenOverHTTP: the header dedupes real requests, and reading
// the counter does not count.
func TestDeviceTokenOverHTTP(t *testing.T) {
	s := start(t)
	c := newClient(t)
	for range 3 {
		req, _ := http.NewRequest("GET", s.URL()+"/shows/2", nil)
		req.Header.Set("Device-Token", "phone-1")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if v := views(t, c, s, 2); v != 1 {
		t.Errorf("views after 3 views by one device: %d, want 1", v)
	}
	if v := views(t, c, s, 2); v != 1 {
		t.Errorf("reading the counter counted a view: %d", v)
	}
	resp, err := c.Get(s.URL() + "/shows/999/views")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("views of a missing show: %d, want 404", resp.StatusCode)
	}
}
