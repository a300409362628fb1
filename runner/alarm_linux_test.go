package runner

import (
	"slices"
	"testing"
	"time"
)

// TestPreciseAlarmIsTimerfd checks that on Linux the run gets the timerfd
// alarm, not the fallback (which would silently bring back the
// millisecond-late wake-ups).
func TestPreciseAlarmIsTimerfd(t *testing.T) {
	a := newPreciseAlarm()
	defer a.close()
	if _, ok := a.(*fdAlarm); !ok {
		t.Fatalf("newPreciseAlarm returned %T, want *fdAlarm", a)
	}
}

// BenchmarkAlarmLateness measures how late each alarm wakes on an
// otherwise idle process, at 200 arrivals per second like the
// coordinated-omission benchmark: reported as late-p50-µs and late-p90-µs
// (go test -run '^$' -bench AlarmLateness -benchtime 400x ./runner/, with
// taskset -c 0 to see it pinned to one core).
func BenchmarkAlarmLateness(b *testing.B) {
	for name, mk := range alarms() {
		b.Run(name, func(b *testing.B) {
			a := mk()
			defer a.close()
			late := make([]time.Duration, 0, b.N)
			start := time.Now()
			for i := 0; b.Loop(); i++ {
				due := start.Add(time.Duration(i) * 5 * time.Millisecond)
				a.wait(b.Context(), due)
				late = append(late, time.Since(due))
			}
			slices.Sort(late)
			b.ReportMetric(float64(late[len(late)/2].Microseconds()), "late-p50-µs")
			b.ReportMetric(float64(late[len(late)*9/10].Microseconds()), "late-p90-µs")
		})
	}
}
