package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// everyAction runs steps on a fixed-interval timer: tick k is due at
// start + k·interval on the monotonic clock, whatever the body's duration,
// so the period never drifts. A tick whose time passes while the previous
// body still runs is missed and counted (every.missed), never queued; the
// next on-time tick runs. The loop ends after count ticks (run or missed)
// or when a tick would fall at or after start + duration.
type everyAction struct {
	path     string
	interval time.Duration
	duration time.Duration
	count    int
	steps    []action
}

func (c *compiler) every(s *scenario.Step, mode phaseMode) (action, error) {
	r := s.Realtime
	a := &everyAction{path: s.Path, interval: r.Interval, duration: r.Duration, count: r.Count}
	if a.interval <= 0 {
		return nil, fmt.Errorf("every: interval must be positive")
	}
	var err error
	if a.steps, err = c.steps(r.Steps, mode); err != nil {
		return nil, err
	}
	return a, nil
}

// ticks returns how many ticks the loop has: count, or those due before
// the duration ends.
func (a *everyAction) ticks() int64 {
	if a.count > 0 {
		return int64(a.count)
	}
	return int64((a.duration + a.interval - 1) / a.interval)
}

// nextTick returns the index of the first tick due at or after elapsed.
func nextTick(elapsed, interval time.Duration) int64 {
	if elapsed <= 0 {
		return 0
	}
	return int64((elapsed + interval - 1) / interval)
}

func (a *everyAction) run(ctx context.Context, vu *VU) error {
	sc := &vu.scope
	savedCount, savedElem := sc.LoopCount, sc.LoopElem
	defer func() { sc.LoopCount, sc.LoopElem = savedCount, savedElem }()
	rt := vu.shard.RT()
	n := a.ticks()
	start := time.Now()
	for k := int64(0); k < n; {
		if err := vu.sleep(ctx, time.Until(start.Add(time.Duration(k)*a.interval))); err != nil {
			return err
		}
		sc.LoopCount = k + 1
		rt.Add(metrics.EveryTicks, 1)
		if err := vu.runSteps(ctx, a.steps); err != nil {
			return err
		}
		next := max(nextTick(time.Since(start), a.interval), k+1)
		if missed := min(next, n) - (k + 1); missed > 0 {
			rt.Add(metrics.EveryMissed, missed)
		}
		k = next
	}
	return nil
}
