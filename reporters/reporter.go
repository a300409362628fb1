// Package reporters defines how results leave a run: the Reporter seam, the
// fan-out to several reporters, and the run description they all receive.
package reporters

import (
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
)

// PhaseInfo describes one planned phase.
type PhaseInfo struct {
	Name     string
	Kind     string
	Duration time.Duration
}

// RunInfo describes a run before it starts.
type RunInfo struct {
	// Scenario is the scenario file (or "quick" for loadgo quick).
	Scenario string
	Target   string
	Phases   []PhaseInfo
	// Total is the planned duration of all phases (without grace).
	Total time.Duration
	Start time.Time
	// Segment is "i/n" when the run is one segment of a split run, else "".
	Segment string
}

// Reporter consumes a run's results. Start is called once before the first
// Report; Report once per interval snapshot, from one goroutine; Finish once
// with the summary. Report must not block the run for long: network sinks
// buffer and write asynchronously.
type Reporter interface {
	Start(info RunInfo) error
	Report(s *metrics.Snapshot)
	Finish(sum *metrics.Summary) error
}
