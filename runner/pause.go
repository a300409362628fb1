package runner

import (
	"context"
	"time"
)

// pauseExecutor runs nothing for its duration.
type pauseExecutor struct {
	duration time.Duration
}

func (e pauseExecutor) run(stop context.Context, _ *pool) {
	t := newStoppedTimer()
	defer t.Stop()
	sleepUntil(stop, t, time.Now().Add(e.duration))
}
