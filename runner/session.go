package runner

import (
	"context"
	"sync/atomic"
	"time"
)

// noPhase is the phase index outside the phases: before and after flows,
// and the grace period.
const noPhase = -1

// session is one run of the plan's executors over a pool.
type session struct {
	execs []executor
	grace time.Duration
	pool  *pool
	// phase is the index of the phase running now, noPhase outside the
	// phases; the aggregator reads it for each snapshot.
	phase atomic.Int32
	// cancelHard cancels pool.hard.
	cancelHard context.CancelFunc
	// started is how many phases were started; graceExpired is set when
	// in-flight VUs had to be cancelled. Both are read after run returns.
	started      int
	graceExpired bool
	// durations holds how long each started phase actually ran.
	durations []time.Duration
}

// newSession makes a session whose in-flight work is cancelled by its hard
// context: not by ctx, whose cancellation is a graceful stop, but by the end
// of the grace period. The hard context keeps ctx's values.
func newSession(ctx context.Context, w workload, execs []executor, grace time.Duration) *session {
	hard, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &session{execs: execs, grace: grace, pool: newPool(w, hard), cancelHard: cancel}
	s.phase.Store(noPhase)
	return s
}

// run runs the executors in order, then gives in-flight VUs the grace
// period and cancels what is left. Cancelling ctx stops new work at once
// (the stop context) and starts the grace period. run returns when every VU
// goroutine has left; interrupted reports whether ctx cut the plan short
// (conservatively: a cancellation racing the last phase's natural end
// counts as an interruption).
func (s *session) run(ctx context.Context) (interrupted bool) {
	stop, cancelStop := context.WithCancel(ctx)
	defer cancelStop()
	defer s.cancelHard()
	for i, ex := range s.execs {
		if stop.Err() != nil {
			break
		}
		s.phase.Store(int32(i))
		s.started = i + 1
		t0 := time.Now()
		ex.run(stop, s.pool)
		s.durations = append(s.durations, time.Since(t0))
	}
	s.phase.Store(noPhase)
	interrupted = ctx.Err() != nil
	// No new work starts after the plan, even from a VU still waiting for
	// its ramp start.
	cancelStop()
	s.graceExpired = s.pool.drain(s.grace, s.cancelHard)
	return interrupted
}
