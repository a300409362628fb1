package runner

import (
	"fmt"
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
)

// correctClosed adds the corrected view of closed-model phases to sum (see
// metrics.Summary.CorrectClosed) and says in a note what it assumed.
//
// The expected interval of a closed phase is its mean per-VU request
// interval: the VU time the phase planned for this instance (each VU's
// window, cut at the phase's actual duration) divided by the requests it
// made. It includes think times, as a VU's next request would have. Stalls
// lengthen the mean, so the correction errs on the side of too little.
func (r *Runner) correctClosed(sum *metrics.Summary, durations []time.Duration) {
	requests := make([]int64, len(r.execs))
	for _, st := range sum.Series {
		if p := st.Series.Phase; p >= 0 && p < len(requests) {
			requests[p] += st.Count
		}
	}
	intervals := make([]time.Duration, len(r.execs))
	for i, ex := range r.execs {
		c, ok := ex.(*closedExecutor)
		if !ok || i >= len(durations) || requests[i] == 0 {
			continue
		}
		intervals[i] = c.vuTime(durations[i]) / time.Duration(requests[i])
	}
	sum.CorrectClosed(func(phase int) (time.Duration, bool) {
		if phase < 0 || phase >= len(intervals) || intervals[phase] <= 0 {
			return 0, false
		}
		return intervals[phase], true
	})
	for i, iv := range intervals {
		if iv > 0 {
			sum.Notes = append(sum.Notes, fmt.Sprintf(
				"phase %q (closed model): corrected latency adds the requests its VUs would have sent during slow responses, assuming one request per VU every %v (the phase's mean)",
				r.plans[i].Name, iv.Round(time.Microsecond)))
		}
	}
}

// vuTime returns the VU time this instance's share of the phase planned:
// the sum of each VU's running window, cut at the phase's actual duration d.
func (e *closedExecutor) vuTime(d time.Duration) time.Duration {
	var total time.Duration
	for j := e.seg.first(); j < int64(max(e.from, e.to)); j += e.seg.step() {
		start, stop := e.window(int(j))
		stop = min(stop, d)
		if stop > start {
			total += stop - start
		}
	}
	return total
}
