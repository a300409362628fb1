package runner

import (
	"fmt"

	"github.com/loadgo/loadgo/scenario"
)

// notes returns the summary's plain-language caveats about how the run went.
func (r *Runner) notes(s *session, afterErr error) []string {
	var notes []string
	for i, ex := range r.execs {
		o, ok := ex.(*openExecutor)
		if !ok {
			continue
		}
		if d := o.dropped.Load(); d > 0 {
			capName := "maxVusers"
			if !o.capFromPhase {
				capName = "the VU cap"
			}
			notes = append(notes, fmt.Sprintf(
				"phase %q: %d arrivals were dropped (%s %d reached): latency percentiles are understated; raise maxVusers or lower the rate",
				r.plans[i].Name, d, capName, o.limit))
		}
	}
	if n := connCapNote(r.prog); n != "" {
		notes = append(notes, n)
	}
	if c := s.pool.cancelled.Load(); c > 0 {
		notes = append(notes, fmt.Sprintf(
			"%d VU iterations were cancelled in flight when the grace period (%v) ran out; they count neither as completed nor as failed, and the %d requests cut short are not in the results",
			c, r.opts.GracePeriod, r.prog.Cancelled()))
	}
	for _, p := range r.plans[:s.started] {
		if p.Kind == scenario.PhaseVUs {
			notes = append(notes, "closed model: latency percentiles understate the tail when the server slows (coordinated omission); see http.response_time_intended for open-model phases")
			break
		}
	}
	if afterErr != nil {
		notes = append(notes, fmt.Sprintf("%v (its requests are in the results)", afterErr))
	}
	if !r.opts.Segment.IsWhole() {
		notes = append(notes, fmt.Sprintf("segment %s: this summary covers this instance's share of the load only", r.opts.Segment))
	}
	return notes
}
