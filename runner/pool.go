package runner

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/runner/metrics"
)

// workload makes the VUs the executors run. The engine-backed workload is
// engineWorkload; executor tests use an in-package double that records when
// iterations start, under testing/synctest.
type workload interface {
	// newVU makes VU id for the phase with index phase.
	newVU(id int64, phase int) vuRunner
}

// vuRunner is one VU as an executor drives it: from one goroutine, a number
// of iterations, then close.
type vuRunner interface {
	// iterate runs one flow. It returns nil when the flow completed, an
	// error wrapping engine.ErrAborted when a failure ended it early, or
	// ctx's error when cancelled.
	iterate(ctx context.Context, intended time.Time) error
	close()
}

// engineWorkload runs VUs of a compiled program; VU id records into shard
// id mod shards.
type engineWorkload struct {
	prog   *engine.Program
	rec    *metrics.Recorder
	shards int64
}

var _ workload = (*engineWorkload)(nil)

func (w *engineWorkload) newVU(id int64, phase int) vuRunner {
	shard := w.rec.Shard(int(id % w.shards))
	return engineVU{prog: w.prog, vu: w.prog.NewVU(id, phase, shard)}
}

type engineVU struct {
	prog *engine.Program
	vu   *engine.VU
}

func (v engineVU) iterate(ctx context.Context, intended time.Time) error {
	return v.prog.Iterate(ctx, v.vu, intended)
}

func (v engineVU) close() { v.vu.Close() }

// outcome classifies the result of one iteration.
type outcome uint8

const (
	outcomeCompleted outcome = iota
	outcomeFailed
	outcomeCancelled
)

// classify maps an iteration's error to its outcome. A cancelled context
// wins over the error's text: the engine returns ctx's error when
// cancelled, and a request failing because its context was cancelled is
// the run's doing, not the server's. Any other error counts as failed.
func classify(ctx context.Context, err error) outcome {
	switch {
	case err == nil:
		return outcomeCompleted
	case errors.Is(err, engine.ErrAborted):
		return outcomeFailed
	case ctx.Err() != nil:
		return outcomeCancelled
	default:
		return outcomeFailed
	}
}

// pool is the run-wide state of the VUs: their counters, the next VU id and
// the wait group of every VU goroutine. VU goroutines may outlive the
// executor that started them; the run waits for them through wg.
type pool struct {
	work workload
	// hard cancels in-flight iterations (after the grace period).
	hard context.Context
	// newAlarm makes the open-model scheduler's alarm: the timer alarm
	// unless the run asks for the precise one (tests run on synctest's
	// fake clock, which only the timer alarm follows).
	newAlarm func() alarm

	nextID    atomic.Int64
	active    atomic.Int64
	created   atomic.Int64
	completed atomic.Int64
	failed    atomic.Int64
	dropped   atomic.Int64
	cancelled atomic.Int64

	wg sync.WaitGroup
}

func newPool(w workload, hard context.Context) *pool {
	return &pool{work: w, hard: hard, newAlarm: newTimerAlarm}
}

// stats returns the counters now. Each is read atomically; together they are
// a consistent-enough view for an interval gauge.
func (p *pool) stats() metrics.VUStats {
	return metrics.VUStats{
		Active:    p.active.Load(),
		Created:   p.created.Load(),
		Completed: p.completed.Load(),
		Failed:    p.failed.Load(),
		Dropped:   p.dropped.Load(),
	}
}

// record counts one iteration's outcome as Completed, Failed or cancelled.
func (p *pool) record(o outcome) {
	switch o {
	case outcomeCompleted:
		p.completed.Add(1)
	case outcomeFailed:
		p.failed.Add(1)
	case outcomeCancelled:
		p.cancelled.Add(1)
	}
}

// drain waits for every VU goroutine to leave. When they have not left
// after grace, it calls cancelHard (cancelling in-flight iterations) and
// waits for them to notice; it reports whether the grace period ran out.
func (p *pool) drain(grace time.Duration, cancelHard context.CancelFunc) (expired bool) {
	done := make(chan struct{})
	go func() {
		p.wg.Wait()
		close(done)
	}()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
		return false
	case <-t.C:
		cancelHard()
		<-done
		return true
	}
}
