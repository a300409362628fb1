package runner

import (
	"context"
	"testing"
	"time"

	"github.com/loadgo/loadgo/scenario"
)

// alarms returns the precise alarm and the timer alarm, by name.
func alarms() map[string]func() alarm {
	return map[string]func() alarm{"precise": newPreciseAlarm, "timer": newTimerAlarm}
}

// TestAlarmNeverEarly checks that no wake-up comes before its deadline (an
// early arrival would make a latency shorter than it was), over a sequence
// of short deadlines like an arrival schedule's, one in the past included.
func TestAlarmNeverEarly(t *testing.T) {
	for name, mk := range alarms() {
		t.Run(name, func(t *testing.T) {
			a := mk()
			defer a.close()
			start := time.Now()
			for i := range 50 {
				due := start.Add(time.Duration(i) * 700 * time.Microsecond)
				if i == 10 {
					due = start // already past: returns at once
				}
				if !a.wait(t.Context(), due) {
					t.Fatalf("wait %d returned false with a live context", i)
				}
				if now := time.Now(); now.Before(due) {
					t.Fatalf("wait %d woke %v before its deadline", i, due.Sub(now))
				}
			}
		})
	}
}

// TestAlarmStop checks that cancelling the stop context ends a wait for a
// deadline an hour away, that later waits on it return false at once, and
// that a stale expiry of a cancelled wait does not satisfy the next wait on
// a new alarm.
func TestAlarmStop(t *testing.T) {
	for name, mk := range alarms() {
		t.Run(name, func(t *testing.T) {
			a := mk()
			defer a.close()
			stop, cancel := context.WithCancel(t.Context())
			done := make(chan bool)
			go func() { done <- a.wait(stop, time.Now().Add(time.Hour)) }()
			time.Sleep(20 * time.Millisecond) // let it block (the result holds either way)
			cancel()
			if <-done {
				t.Fatal("a cancelled wait returned true")
			}
			if a.wait(stop, time.Now().Add(time.Hour)) {
				t.Fatal("a wait on a done context returned true")
			}
			b := mk()
			defer b.close()
			due := time.Now().Add(5 * time.Millisecond)
			if !b.wait(t.Context(), due) || time.Now().Before(due) {
				t.Fatal("a fresh alarm did not wait for its deadline")
			}
		})
	}
}

// TestOpenPreciseNeverEarly runs an open phase on the real clock with the
// alarm of a real run, which wakes the scheduler ahead of each arrival:
// every arrival must still start its iteration at or after its due time
// (never before: that would shorten its latency from intended), each due
// time must be the pacer's, and none may be lost.
func TestOpenPreciseNeverEarly(t *testing.T) {
	w := &fakeWorkload{}
	opts, _ := Options{}.withDefaults()
	var pl PhasePlan
	ex, err := newExecutor(0, scenario.Phase{Kind: scenario.PhaseArrivalRate, ArrivalRate: 100, Duration: 400 * time.Millisecond}, opts, &pl)
	if err != nil {
		t.Fatal(err)
	}
	p := newPool(w, t.Context())
	p.newAlarm = newPreciseAlarm
	ex.run(t.Context(), p)
	p.wg.Wait()
	calls := w.snapshot()
	if len(calls) != 40 {
		t.Fatalf("%d arrivals, want 40", len(calls))
	}
	t0 := calls[0].intended
	for i, c := range calls {
		if got, want := c.intended.Sub(t0), time.Duration(i)*10*time.Millisecond; got != want {
			t.Errorf("arrival %d due at %v, want %v", i, got, want)
		}
		if c.at.Before(c.intended) {
			t.Errorf("arrival %d started %v before its due time", i, c.intended.Sub(c.at))
		}
	}
	if s := p.stats(); s.Completed != 40 || s.Dropped != 0 {
		t.Errorf("stats %+v, want 40 completed, none dropped", s)
	}
}
