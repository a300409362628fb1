package console

import (
	"strconv"
	"strings"
	"time"

	"github.com/loadgo/loadgo/runner/metrics"
)

// window merges the snapshots received since the last progress line.
type window struct {
	stats metrics.Stats
	// span is the summed length of the merged intervals.
	span time.Duration
}

func (w *window) add(s *metrics.Snapshot) {
	if w.stats.Latency == nil {
		w.stats = metrics.NewStats()
	}
	w.stats.Merge(&s.Total)
	if d := s.End.Sub(s.Start); d > 0 {
		w.span += d
	}
}

// reset empties the window, reusing its histograms and status map.
func (w *window) reset() {
	lat, in, status := w.stats.Latency, w.stats.Intended, w.stats.Status
	if lat != nil {
		lat.Reset()
	}
	if in != nil && in != lat {
		in.Reset()
	}
	clear(status)
	w.stats = metrics.Stats{Latency: lat, Intended: in, Status: status}
	w.span = 0
}

// liveLine holds the values of one progress line.
type liveLine struct {
	Elapsed, Total time.Duration
	// Phase is the running phase's index (-1 outside phases) of Phases.
	Phase, Phases int
	PhaseName     string
	RPS           float64
	// Errors and Count are of the window; TotalErrors of the run so far.
	Errors, TotalErrors int64
	VUs                 int64
	Count               int64
	P50, P95, P99       time.Duration
}

// formatLive renders l, e.g.
//
//	[00:12/01:00] phase "ramp" (2/3)  rps 512.0  err 0 (total 3)  vus 23  p50 1.2ms p95 3.4ms p99 8.1ms
//
// Percentiles print as "-" when the window had no requests. plain drops
// colours and non-ASCII characters.
func formatLive(l liveLine, plain bool) string {
	st := style{plain: plain}
	var b strings.Builder
	b.WriteString("[" + clock(l.Elapsed))
	if l.Total > 0 {
		b.WriteString("/" + clock(l.Total))
	}
	b.WriteString("]")
	switch {
	case l.PhaseName != "":
		b.WriteString(" phase " + strconv.Quote(l.PhaseName))
		if l.Phase >= 0 && l.Phases > 0 {
			b.WriteString(" (" + strconv.Itoa(l.Phase+1) + "/" + strconv.Itoa(l.Phases) + ")")
		}
	case l.Phase >= 0 && l.Phases > 0:
		b.WriteString(" phase " + strconv.Itoa(l.Phase+1) + "/" + strconv.Itoa(l.Phases))
	}
	b.WriteString("  rps " + fixed(l.RPS, 1))
	errs := "err " + strconv.FormatInt(l.Errors, 10)
	if l.Errors > 0 {
		errs = st.color(ansiRed, errs)
	}
	b.WriteString("  " + errs + " (total " + strconv.FormatInt(l.TotalErrors, 10) + ")")
	b.WriteString("  vus " + strconv.FormatInt(l.VUs, 10))
	if l.Count == 0 {
		b.WriteString("  p50 - p95 - p99 -")
		return b.String()
	}
	b.WriteString("  p50 " + shortLatency(l.P50, plain) +
		" p95 " + shortLatency(l.P95, plain) +
		" p99 " + shortLatency(l.P99, plain))
	return b.String()
}
