// Package console reports a run on a terminal or in a CI log: a live
// progress line while the run goes, and a human summary at the end.
//
// The live line shows what happened since the previous line (rate, errors,
// percentiles of merged interval histograms, never averaged percentiles).
// Its pacing follows the snapshots' Elapsed time, not the wall clock, so the
// output is a pure function of the snapshots it is given.
package console

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/runner/metrics"
)

// DefaultEvery is the live line period when Options.Every is not set.
const DefaultEvery = 5 * time.Second

// Options tune the console output.
type Options struct {
	// TTY redraws a single status line in place (carriage return and ANSI
	// erase-line) on every snapshot. Otherwise plain lines are appended,
	// at most one per Every, which suits CI logs.
	TTY bool
	// Quiet disables the live progress; only the summary is written.
	Quiet bool
	// Every is the minimum run time between two plain (non-TTY) progress
	// lines. Zero means DefaultEvery.
	Every time.Duration
	// NoColor disables ANSI colours and keeps the output ASCII-only:
	// PASS/FAIL instead of check marks, "us" instead of "µs". Cursor
	// control in TTY mode is still used.
	NoColor bool
}

// Reporter writes live progress and the end-of-run summary to a writer. It
// is safe for use by several goroutines, although the Reporter contract
// calls it from one.
type Reporter struct {
	w    io.Writer
	opts Options

	mu          sync.Mutex
	info        reporters.RunInfo
	win         window
	lastLine    time.Duration // Elapsed at the last plain line
	totalErrors int64
	drawn       bool  // a TTY status line is on screen
	liveErr     error // the first failed live write
}

var _ reporters.Reporter = (*Reporter)(nil)

// New returns a console reporter writing to w.
func New(w io.Writer, opts Options) *Reporter {
	if opts.Every <= 0 {
		opts.Every = DefaultEvery
	}
	return &Reporter{w: w, opts: opts}
}

// Start records the run description used by the progress line and the
// summary header. It writes nothing.
func (r *Reporter) Start(info reporters.RunInfo) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.info = info
	r.info.Phases = append([]reporters.PhaseInfo(nil), info.Phases...)
	return nil
}

// Report folds s into the current progress window and writes the progress
// line when it is due: on every snapshot in TTY mode, once Every of run
// time has passed since the previous line otherwise.
func (r *Reporter) Report(s *metrics.Snapshot) {
	if r.opts.Quiet || s == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.totalErrors += s.Total.Errors
	r.win.add(s)
	if !r.opts.TTY && s.Elapsed-r.lastLine < r.opts.Every {
		return
	}
	line := formatLive(r.liveLine(s), r.opts.NoColor)
	r.win.reset()
	r.lastLine = s.Elapsed
	if r.opts.TTY {
		r.write(eraseLine + line)
		r.drawn = true
		return
	}
	r.write(line + "\n")
}

// liveLine gathers the progress line's values from the window ending at s.
func (r *Reporter) liveLine(s *metrics.Snapshot) liveLine {
	st := &r.win.stats
	l := liveLine{
		Elapsed:     s.Elapsed,
		Total:       r.info.Total,
		Phase:       s.Phase,
		Phases:      len(r.info.Phases),
		PhaseName:   s.PhaseName,
		RPS:         reporters.Rate(st.Count, r.win.span),
		Errors:      st.Errors,
		TotalErrors: r.totalErrors,
		VUs:         s.VUs.Active,
		Count:       st.Count,
	}
	if st.Count > 0 && st.Latency != nil && st.Latency.TotalCount() > 0 {
		l.P50, l.P95, l.P99 = st.Percentile(50), st.Percentile(95), st.Percentile(99)
	}
	return l
}

func (r *Reporter) write(text string) {
	if _, err := io.WriteString(r.w, text); err != nil && r.liveErr == nil {
		r.liveErr = err
	}
}

// Finish clears the status line (TTY mode) and writes the summary. It
// returns the first write error, of the summary or of the live progress.
func (r *Reporter) Finish(sum *metrics.Summary) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.drawn {
		r.write(eraseLine)
		r.drawn = false
	}
	if err := WriteSummary(r.w, r.info, sum, r.opts); err != nil {
		return fmt.Errorf("console: %w", err)
	}
	if r.liveErr != nil {
		return fmt.Errorf("console: progress: %w", r.liveErr)
	}
	return nil
}
