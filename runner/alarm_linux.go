package runner

import (
	"context"
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// newPreciseAlarm returns an alarm on a Linux timerfd read through the
// runtime's network poller: the kernel's high-resolution timer makes the fd
// readable at the deadline, which wakes the poller's epoll_wait at once,
// whatever its millisecond timeout. It wakes arrivals tens of microseconds
// after their due time instead of up to a millisecond (docs/BENCHMARKS.md,
// coordinated omission), costs no CPU while waiting and holds no P, so it is
// as cheap as a timer on a generator pinned to one core. Where a timerfd
// cannot be made it falls back to the timer alarm.
func newPreciseAlarm() alarm {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return newTimerAlarm()
	}
	// A non-blocking fd handed to os.NewFile is registered with the poller,
	// so Read parks the goroutine instead of blocking a thread.
	f := os.NewFile(uintptr(fd), "timerfd")
	if f.SetReadDeadline(time.Time{}) != nil { // not pollable: no cancellation
		f.Close()
		return newTimerAlarm()
	}
	return &fdAlarm{f: f, fd: fd}
}

// fdAlarm is the timerfd alarm. It is used by one goroutine at a time.
type fdAlarm struct {
	f   *os.File
	fd  int
	buf [8]byte // a read returns the number of expirations
	// stop is the context whose cancellation interrupts a read (by a read
	// deadline in the past); unwatch forgets it.
	stop    context.Context
	unwatch func() bool
}

func (a *fdAlarm) wait(stop context.Context, deadline time.Time) bool {
	return a.waitAhead(stop, deadline) && spinUntil(stop, deadline)
}

func (a *fdAlarm) waitAhead(stop context.Context, deadline time.Time) bool {
	if stop.Err() != nil {
		return false
	}
	d := time.Until(deadline)
	if d <= 0 {
		return true
	}
	if a.stop != stop {
		a.watch(stop)
	}
	// Wake a little early: waking an idle CPU takes ~0.1 ms on a VM,
	// which would otherwise be charged to the arrival.
	early := min(aheadMax, d/aheadShare)
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec((d - early).Nanoseconds())}
	if err := unix.TimerfdSettime(a.fd, 0, &spec, nil); err != nil {
		t := newStoppedTimer()
		defer t.Stop()
		return sleepUntil(stop, t, deadline)
	}
	for {
		_, err := a.f.Read(a.buf[:])
		switch {
		case err == nil:
			return true
		case errors.Is(err, os.ErrDeadlineExceeded):
			a.disarm()
			return false
		case errors.Is(err, unix.EINTR), errors.Is(err, unix.EAGAIN):
			continue
		default:
			// The fd broke (it cannot, short of a closed alarm): finish the
			// wait on a timer rather than start arrivals early.
			a.disarm()
			t := newStoppedTimer()
			defer t.Stop()
			return sleepUntil(stop, t, deadline)
		}
	}
}

// aheadMax and aheadShare bound how early waitAhead returns: at most
// aheadMax and at most 1/aheadShare of the wait, so the spin that follows
// costs at most a tenth of a core at any rate (4% of one at 200 arrivals
// per second, where it is 0.2 ms in every 5 ms).
const (
	aheadMax   = 200 * time.Microsecond
	aheadShare = 10
)

// watch makes stop's cancellation interrupt reads; a new context replaces
// the previous one (each phase has its own stop context).
func (a *fdAlarm) watch(stop context.Context) {
	if a.unwatch != nil {
		a.unwatch()
	}
	a.f.SetReadDeadline(time.Time{})
	a.stop = stop
	f := a.f
	a.unwatch = context.AfterFunc(stop, func() { f.SetReadDeadline(time.Unix(1, 0)) })
}

// disarm stops a pending expiry so that it cannot satisfy a later wait.
func (a *fdAlarm) disarm() {
	var zero unix.ItimerSpec
	unix.TimerfdSettime(a.fd, 0, &zero, nil)
}

func (a *fdAlarm) close() {
	if a.unwatch != nil {
		a.unwatch()
	}
	a.f.Close()
}
