package runner

import (
	"context"
	"runtime"
	"time"
)

// An alarm wakes the open-model scheduler when an arrival is due. The
// scheduler is the one place where the lateness of a wake-up becomes
// measured latency (an arrival's latency counts from its due time), so in a
// real run it uses the precise alarm of newPreciseAlarm; executor tests use
// the timer alarm, which runs on testing/synctest's fake clock.
type alarm interface {
	// wait blocks until the monotonic clock reaches deadline, returning
	// true, or until stop is done, returning false. A deadline already past
	// returns at once.
	wait(stop context.Context, deadline time.Time) bool
	// waitAhead is wait, but may return up to a fraction of a millisecond
	// before deadline, so that the caller can prepare the work that is due
	// and then start it on time with spinUntil.
	waitAhead(stop context.Context, deadline time.Time) bool
	// close releases the alarm's resources.
	close()
}

// newTimerAlarm returns an alarm on a runtime timer. Go's runtime sleeps in
// its network poller with millisecond granularity when it has nothing else
// to do, so on an idle generator such a timer fires up to a millisecond
// late (about 0.6 ms at the median on Linux).
func newTimerAlarm() alarm {
	return timerAlarm{newStoppedTimer()}
}

type timerAlarm struct{ t *time.Timer }

func (a timerAlarm) wait(stop context.Context, deadline time.Time) bool {
	return sleepUntil(stop, a.t, deadline)
}

func (a timerAlarm) waitAhead(stop context.Context, deadline time.Time) bool {
	return sleepUntil(stop, a.t, deadline)
}

func (a timerAlarm) close() { a.t.Stop() }

// spinUntil yields the processor until deadline, or until ctx is done
// (returning false): other goroutines run meanwhile, and the caller resumes
// within microseconds of deadline. It is for the last fraction of a
// millisecond after a waitAhead; a deadline already past returns at once.
func spinUntil(ctx context.Context, deadline time.Time) bool {
	for time.Now().Before(deadline) {
		if ctx.Err() != nil {
			return false
		}
		runtime.Gosched()
	}
	return true
}
