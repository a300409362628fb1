package runner

import (
	"context"
	"math/bits"
	"time"
)

// executor runs one phase. Request failures are recorded by the engine and
// counted by the pool, never returned.
type executor interface {
	// run runs the phase from now until its duration has passed, or until
	// stop is done. The VU goroutines it starts are counted in p.wg and may
	// outlive run; their iterations run under p.hard.
	run(stop context.Context, p *pool)
}

var (
	_ executor = (*openExecutor)(nil)
	_ executor = (*closedExecutor)(nil)
	_ executor = pauseExecutor{}
)

// sleepUntil waits on t until the monotonic clock reaches deadline. It
// returns false when stop is done first (or already), true otherwise; a
// deadline already past returns at once.
func sleepUntil(stop context.Context, t *time.Timer, deadline time.Time) bool {
	d := time.Until(deadline)
	if d <= 0 {
		return stop.Err() == nil
	}
	t.Reset(d)
	select {
	case <-stop.Done():
		t.Stop()
		return false
	case <-t.C:
		return true
	}
}

// newStoppedTimer returns a timer for sleepUntil.
func newStoppedTimer() *time.Timer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}

// scale returns n·d/m for 0 ≤ n < m exactly, in 128-bit arithmetic (n·d
// overflows 64 bits for long phases).
func scale(n int64, d time.Duration, m int64) time.Duration {
	hi, lo := bits.Mul64(uint64(n), uint64(d))
	q, _ := bits.Div64(hi, lo, uint64(m))
	return time.Duration(q)
}
