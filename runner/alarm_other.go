//go:build !linux

package runner

// newPreciseAlarm returns the timer alarm: the timerfd alarm is Linux's.
func newPreciseAlarm() alarm { return newTimerAlarm() }
