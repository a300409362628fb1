package runner

import (
	"context"
	"sync/atomic"
	"time"
)

// openExecutor runs an open-model phase (arrivalRate or arrivalCount): a
// scheduler starts one new VU per arrival at the time its pacer says, and
// never waits for responses.
type openExecutor struct {
	phase    int
	duration time.Duration
	pacer    pacer
	seg      Segment
	// limit caps this phase's VUs in flight; an arrival that finds it
	// reached is dropped and counted, never queued (queueing would hide the
	// server's slowness behind the generator's).
	limit        int64
	capFromPhase bool // limit is the phase's maxVusers, not Options.MaxVUs

	active  atomic.Int64 // this phase's VUs in flight
	dropped atomic.Int64 // this phase's dropped arrivals
}

func (e *openExecutor) run(stop context.Context, p *pool) {
	start := time.Now()
	a := p.newAlarm()
	defer a.close()
	for n := e.seg.first(); ; n += e.seg.step() {
		off, ok := e.pacer.due(n)
		if !ok {
			break
		}
		// The due time comes from the phase start, not the previous wake-up:
		// a late wake-up neither shifts later arrivals nor hides itself,
		// because the arrival keeps its due time as the intended start.
		due := start.Add(off)
		// Waking a little ahead lets the VU be made before its due time;
		// runVU starts the iteration at due.
		if !a.waitAhead(stop, due) {
			return
		}
		e.arrive(p, due)
	}
	a.wait(stop, start.Add(e.duration))
}

// arrive starts a VU for one arrival, or counts it as dropped at the cap.
func (e *openExecutor) arrive(p *pool, intended time.Time) {
	// Only the scheduler increments active, so add-then-check is exact.
	if e.active.Add(1) > e.limit {
		e.active.Add(-1)
		e.dropped.Add(1)
		p.dropped.Add(1)
		return
	}
	id := p.nextID.Add(1)
	p.created.Add(1)
	p.active.Add(1)
	p.wg.Add(1)
	go e.runVU(p, id, intended)
}

// runVU makes VU id, which may be up to a fraction of a millisecond before
// intended (see alarm.waitAhead), starts its one iteration at intended and
// closes it. Making the VU before it is due keeps its set-up out of the
// latency measured from intended.
func (e *openExecutor) runVU(p *pool, id int64, intended time.Time) {
	defer p.wg.Done()
	vu := p.work.newVU(id, e.phase)
	var err error
	if spinUntil(p.hard, intended) {
		err = vu.iterate(p.hard, intended)
	} else {
		err = p.hard.Err()
	}
	vu.close()
	p.record(classify(p.hard, err))
	p.active.Add(-1)
	e.active.Add(-1)
}
