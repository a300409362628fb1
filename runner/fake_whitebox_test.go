package runner

import (
	"context"
	"slices"
	"sync"
	"time"
)

// fakeWorkload is an in-package double of the engine's NewVU/Iterate pair
// for clock tests under testing/synctest: it records when each iteration
// starts and what it was told, and runs iter to decide how long it takes
// and how it ends. It is not a network double; the network is exercised
// against real httptest servers in the integration tests.
type fakeWorkload struct {
	// iter runs iteration it (0-based, per VU) of VU id; nil ends at once
	// with success.
	iter func(ctx context.Context, id int64, it int) error

	mu     sync.Mutex
	calls  []fakeCall
	closed []int64
}

// fakeCall is one recorded iteration start.
type fakeCall struct {
	id       int64
	phase    int
	at       time.Time // when iterate was called
	intended time.Time
}

func (w *fakeWorkload) newVU(id int64, phase int) vuRunner {
	return &fakeVU{w: w, id: id, phase: phase}
}

// snapshot returns the calls so far, ordered by start time then id.
func (w *fakeWorkload) snapshot() []fakeCall {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := slices.Clone(w.calls)
	slices.SortFunc(c, func(a, b fakeCall) int {
		if n := a.at.Compare(b.at); n != 0 {
			return n
		}
		return int(a.id - b.id)
	})
	return c
}

type fakeVU struct {
	w     *fakeWorkload
	id    int64
	phase int
	its   int
}

func (v *fakeVU) iterate(ctx context.Context, intended time.Time) error {
	v.w.mu.Lock()
	v.w.calls = append(v.w.calls, fakeCall{id: v.id, phase: v.phase, at: time.Now(), intended: intended})
	v.w.mu.Unlock()
	it := v.its
	v.its++
	if v.w.iter == nil {
		return nil
	}
	return v.w.iter(ctx, v.id, it)
}

func (v *fakeVU) close() {
	v.w.mu.Lock()
	v.w.closed = append(v.w.closed, v.id)
	v.w.mu.Unlock()
}

// sleepCtx sleeps d like a request that takes d, returning ctx's error when
// cancelled first, as the engine does.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// takes returns an iter whose iterations all take d and succeed.
func takes(d time.Duration) func(context.Context, int64, int) error {
	return func(ctx context.Context, _ int64, _ int) error { return sleepCtx(ctx, d) }
}

// offsets returns the start offsets of calls from t0.
func offsets(calls []fakeCall, t0 time.Time) []time.Duration {
	out := make([]time.Duration, len(calls))
	for i, c := range calls {
		out[i] = c.at.Sub(t0)
	}
	return out
}

// ms is a shorthand for durations in test tables.
func ms(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }
