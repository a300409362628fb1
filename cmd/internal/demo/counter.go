package demo

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Counter modes (Options.Counter, loadgo demo --counter).
const (
	// CounterSafe increments a show's views atomically: no view is lost.
	CounterSafe = "safe"
	// CounterNaive reads the views, waits a little, and writes the read
	// value plus one: concurrent views overwrite each other and are lost,
	// the bug a load test should catch.
	CounterNaive = "naive"
)

const (
	// naiveWindow is the pause between the read and the write of the naive
	// counter: wide enough that concurrent views reliably collide.
	naiveWindow = time.Millisecond
	// dedupeCap bounds the Device-Token memory; the oldest entries are
	// evicted past it (and counted).
	dedupeCap = 100000
)

// dedupeKey is one device's view of one show on one UTC day.
type dedupeKey struct {
	show  int64
	token string
	day   int64 // days since the Unix epoch, UTC
}

// viewCounter counts show views in the configured mode, once per
// Device-Token per show per UTC day when the header is present.
type viewCounter struct {
	naive bool
	now   func() time.Time
	cap   int

	mu    sync.Mutex
	seen  map[dedupeKey]struct{}
	order []dedupeKey // ring of keys in insertion order, for eviction
	next  int         // next slot of order to (over)write

	counted   atomic.Int64
	deduped   atomic.Int64
	evictions atomic.Int64
}

func newViewCounter(mode string) (*viewCounter, error) {
	switch mode {
	case "", CounterSafe, CounterNaive:
	default:
		return nil, fmt.Errorf("demo target: counter mode %q: want %q or %q", mode, CounterSafe, CounterNaive)
	}
	return &viewCounter{naive: mode == CounterNaive, now: time.Now, cap: dedupeCap, seen: map[dedupeKey]struct{}{}}, nil
}

// count records one view of sh by token ("" = no dedupe) and reports
// whether it was counted.
func (vc *viewCounter) count(sh *show, token string) bool {
	if token != "" && !vc.firstToday(sh.ID, token) {
		vc.deduped.Add(1)
		return false
	}
	vc.counted.Add(1)
	if !vc.naive {
		sh.views.Add(1)
		return true
	}
	// The deliberate lost update: atomics keep the race detector quiet,
	// but the read and the write are separate steps.
	v := sh.views.Load()
	time.Sleep(naiveWindow)
	sh.views.Store(v + 1)
	return true
}

// firstToday reports whether token has not viewed show yet this UTC day,
// and remembers that it now has.
func (vc *viewCounter) firstToday(show int64, token string) bool {
	k := dedupeKey{show: show, token: token, day: vc.now().UTC().Unix() / 86400}
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if _, ok := vc.seen[k]; ok {
		return false
	}
	if len(vc.order) < vc.cap {
		vc.order = append(vc.order, k)
	} else {
		delete(vc.seen, vc.order[vc.next])
		vc.evictions.Add(1)
		vc.order[vc.next] = k
		vc.next = (vc.next + 1) % vc.cap
	}
	vc.seen[k] = struct{}{}
	return true
}

// viewsJSON is the counter's part of GET /stats.
type viewsJSON struct {
	Mode             string `json:"mode"`
	Counted          int64  `json:"counted"`
	Deduped          int64  `json:"deduped"`
	DedupeEvictions  int64  `json:"dedupe_evictions"`
	DedupeRemembered int    `json:"dedupe_remembered"`
}

func (vc *viewCounter) snapshot() viewsJSON {
	mode := CounterSafe
	if vc.naive {
		mode = CounterNaive
	}
	vc.mu.Lock()
	n := len(vc.seen)
	vc.mu.Unlock()
	return viewsJSON{Mode: mode, Counted: vc.counted.Load(), Deduped: vc.deduped.Load(),
		DedupeEvictions: vc.evictions.Load(), DedupeRemembered: n}
}

// getViews is GET /shows/{id}/views: {"id","views"} without counting a view.
func (s *Server) getViews(w http.ResponseWriter, r *http.Request) {
	sh, ok := s.showOf(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]int64{"id": sh.ID, "views": sh.views.Load()})
}
