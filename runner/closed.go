package runner

import (
	"context"
	"time"
)

// closedExecutor runs a closed-model phase (vus): from VUs ramping linearly
// to to VUs over the phase, each looping the flow.
type closedExecutor struct {
	phase    int
	duration time.Duration
	from, to int
	seg      Segment
}

// window returns when VU j (0-based) runs, as offsets [start, stop) from
// the phase's start. With target(t) = from + (to−from)·t/D the VU runs while
// target(t) > j:
//   - j < min(from, to): the whole phase;
//   - ramping up (from ≤ j < to): from (j−from)·D/(to−from), when the target
//     first exceeds j;
//   - ramping down (to ≤ j < from): until (from−j)·D/(from−to), when the
//     target falls to j.
func (e *closedExecutor) window(j int) (start, stop time.Duration) {
	switch {
	case j < min(e.from, e.to):
		return 0, e.duration
	case e.from < e.to:
		return scale(int64(j-e.from), e.duration, int64(e.to-e.from)), e.duration
	default:
		return 0, scale(int64(e.from-j), e.duration, int64(e.from-e.to))
	}
}

func (e *closedExecutor) run(stop context.Context, p *pool) {
	start := time.Now()
	for j := e.seg.first(); j < int64(max(e.from, e.to)); j += e.seg.step() {
		from, until := e.window(int(j))
		// Ids are taken here, in VU order, so that a run is reproducible;
		// a VU stopped before its start leaves its id unused.
		id := p.nextID.Add(1)
		p.wg.Add(1)
		go e.runVU(stop, p, id, start.Add(from), start.Add(until))
	}
	t := newStoppedTimer()
	defer t.Stop()
	sleepUntil(stop, t, start.Add(e.duration))
}

// runVU waits for the VU's start, then loops iterations until its stop time
// or the stop context; both are checked only between iterations, so a VU
// never abandons an iteration it started (only the hard context does).
func (e *closedExecutor) runVU(stop context.Context, p *pool, id int64, from, until time.Time) {
	defer p.wg.Done()
	t := newStoppedTimer()
	ok := sleepUntil(stop, t, from)
	t.Stop()
	if !ok || !time.Now().Before(until) {
		return
	}
	p.created.Add(1)
	p.active.Add(1)
	vu := p.work.newVU(id, e.phase)
	for stop.Err() == nil && time.Now().Before(until) {
		o := classify(p.hard, vu.iterate(p.hard, time.Time{}))
		p.record(o)
		if o == outcomeCancelled {
			break
		}
	}
	vu.close()
	p.active.Add(-1)
}
