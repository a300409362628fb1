package console

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/runner/metrics"
)

// errNilSummary is returned when there is no summary to write.
var errNilSummary = errors.New("no summary")

// WriteSummary writes the end-of-run summary of sum to w: the header, the
// per-request table and latencies, the intended-start latencies when they
// differ (open model), errors, VUs, data, the per-phase breakdown when there
// are several phases, thresholds, notes and the verdict. info supplies the
// header and the planned phase durations; its zero value is fine. Only
// opts.NoColor is used. The summary is written with a single Write.
func WriteSummary(w io.Writer, info reporters.RunInfo, sum *metrics.Summary, opts Options) error {
	if sum == nil {
		return fmt.Errorf("summary: %w", errNilSummary)
	}
	sw := &summaryWriter{st: style{plain: opts.NoColor}, sum: sum, dur: reporters.RunDuration(sum)}
	sw.header(info)
	if sum.Total.Count == 0 && len(sum.ByName) == 0 {
		sw.buf.WriteString("\nno requests were made\n")
	} else {
		sw.requests()
		sw.latencies()
		if reporters.HasIntended(sum) {
			sw.intended()
		}
		if reporters.HasCorrected(sum) {
			sw.corrected()
		}
	}
	sw.counters()
	sw.custom()
	sw.realtime()
	if len(sum.Phases) > 1 {
		sw.phases(reporters.Phases(sum, info.Phases))
	}
	sw.thresholds()
	if sw.err != nil {
		return fmt.Errorf("summary: %w", sw.err)
	}
	if _, err := w.Write(sw.buf.Bytes()); err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	return nil
}

// summaryWriter renders a summary into buf, keeping the first error.
type summaryWriter struct {
	st  style
	sum *metrics.Summary
	dur time.Duration
	buf bytes.Buffer
	err error
}

// table writes rows aligned in columns two spaces apart: the first column
// left-aligned, the others right-aligned so that numbers line up on their
// last digit. When freeLast is set, the last cell of each row is free text
// (status codes) written after the aligned columns.
func (sw *summaryWriter) table(rows [][]string, freeLast bool) {
	width := 0
	for _, r := range rows {
		width = max(width, utf8.RuneCountInString(r[0]))
	}
	tw := tabwriter.NewWriter(&sw.buf, 0, 0, 0, ' ', tabwriter.AlignRight)
	var line strings.Builder
	for _, r := range rows {
		line.Reset()
		// Padding the first cell to the column width beforehand keeps it
		// left-aligned in a right-aligning tabwriter.
		line.WriteString(padRight(r[0], width) + "\t")
		for i, c := range r[1:] {
			if freeLast && i == len(r)-2 {
				line.WriteString("  " + c)
				break
			}
			line.WriteString("  " + c + "\t")
		}
		line.WriteString("\n")
		if _, err := io.WriteString(tw, line.String()); err != nil && sw.err == nil {
			sw.err = err
		}
	}
	if err := tw.Flush(); err != nil && sw.err == nil {
		sw.err = err
	}
}

// field writes one "key: value" line, values aligned across the summary.
func (sw *summaryWriter) field(key, format string, args ...any) {
	fmt.Fprintf(&sw.buf, "%-10s"+format+"\n", append([]any{key + ":"}, args...)...)
}

func (sw *summaryWriter) header(info reporters.RunInfo) {
	sum := sw.sum
	if info.Scenario != "" {
		sw.field("scenario", "%s", info.Scenario)
	}
	if info.Target != "" {
		sw.field("target", "%s", info.Target)
	}
	if info.Segment != "" {
		sw.field("segment", "%s", info.Segment)
	}
	d := runDuration(sw.dur)
	if sum.Interrupted {
		d += " " + sw.st.color(ansiYellow, "(interrupted!)")
	}
	sw.field("duration", "%s", d)
	sw.field("requests", "%d (%s/s), %d errors (%s%%)", sum.Total.Count,
		fixed(reporters.Rate(sum.Total.Count, sw.dur), 2), sum.Total.Errors, fixed(sum.Total.ErrorRate(), 2))
}

// row is one line of the per-request tables: a request name or "all".
type row struct {
	name  string
	stats *metrics.Stats
}

// rows returns the per-name rows followed by the overall row.
func (sw *summaryWriter) rows() []row {
	rs := make([]row, 0, len(sw.sum.ByName)+1)
	for i, name := range reporters.Names(sw.sum.ByName) {
		rs = append(rs, row{name: name, stats: &sw.sum.ByName[i].Stats})
	}
	return append(rs, row{name: "all", stats: &sw.sum.Total})
}

func (sw *summaryWriter) requests() {
	cells := [][]string{{"request", "count", "rate/s", "errors", "err%", "status"}}
	for _, r := range sw.rows() {
		cells = append(cells, []string{r.name, strconv.FormatInt(r.stats.Count, 10),
			fixed(reporters.Rate(r.stats.Count, sw.dur), 2), strconv.FormatInt(r.stats.Errors, 10),
			fixed(r.stats.ErrorRate(), 2), statusList(r.stats)})
	}
	sw.buf.WriteString("\n")
	sw.table(cells, true)
}

// statusList formats the status codes of s as "200:1234 404:2", or "-".
func statusList(s *metrics.Stats) string {
	codes := reporters.StatusCounts(s)
	if len(codes) == 0 {
		return "-"
	}
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = strconv.Itoa(c.Code) + ":" + strconv.FormatInt(c.Count, 10)
	}
	return strings.Join(parts, " ")
}

func (sw *summaryWriter) latencies() {
	cells := [][]string{{"latency (ms)", "min", "mean", "p50", "p90", "p95", "p99", "p99.9", "max"}}
	for _, r := range sw.rows() {
		l := reporters.LatencyOf(r.stats)
		cells = append(cells, append([]string{r.name}, msCells(l, l.Min, l.Mean, l.P50, l.P90, l.P95, l.P99, l.P999, l.Max)...))
	}
	sw.buf.WriteString("\n")
	sw.table(cells, false)
}

func (sw *summaryWriter) intended() {
	cells := [][]string{{"intended (ms)", "p50", "p90", "p99", "p99.9", "max"}}
	for _, r := range sw.rows() {
		l := reporters.IntendedOf(r.stats)
		cells = append(cells, append([]string{r.name}, msCells(l, l.P50, l.P90, l.P99, l.P999, l.Max)...))
	}
	sw.buf.WriteString("\nlatency from intended start (coordinated-omission safe)\n")
	sw.table(cells, false)
}

// msCells formats durations as ms cells, "-" when l is empty.
func msCells(l reporters.Latency, ds ...time.Duration) []string {
	cells := make([]string, len(ds))
	for i, d := range ds {
		if l.Count == 0 {
			cells[i] = "-"
		} else {
			cells[i] = ms(d)
		}
	}
	return cells
}

func (sw *summaryWriter) counters() {
	sum := sw.sum
	sw.buf.WriteString("\n")
	if kinds := reporters.ErrorCounts(&sum.Total); len(kinds) > 0 {
		parts := make([]string, len(kinds))
		for i, k := range kinds {
			parts[i] = k.Kind.String() + " " + strconv.FormatInt(k.Count, 10)
		}
		sw.field("errors", "%s", strings.Join(parts, ", "))
	}
	v := sum.VUs
	sw.field("vus", "created %d, completed %d, failed %d, dropped %d", v.Created, v.Completed, v.Failed, v.Dropped)
	if sum.Total.BytesIn != 0 || sum.Total.BytesOut != 0 {
		sw.field("data", "in %s, out %s", humanBytes(sum.Total.BytesIn), humanBytes(sum.Total.BytesOut))
	}
	if sum.Total.Clamped != 0 {
		sw.field("clamped", "%d (latencies above %v, recorded as %v)", sum.Total.Clamped, metrics.MaxTrackable, metrics.MaxTrackable)
	}
}

func (sw *summaryWriter) phases(ps []reporters.PhaseStats) {
	cells := [][]string{{"phase", "duration", "count", "rps", "p95 ms", "errors"}}
	for i := range ps {
		p := &ps[i]
		name := p.Name
		if p.Index >= 0 {
			name = strconv.Itoa(p.Index+1) + " " + p.Name
		}
		dur, rps := "-", "-"
		if p.Duration > 0 {
			dur, rps = runDuration(p.Duration), fixed(reporters.Rate(p.Total.Count, p.Duration), 2)
		}
		l := reporters.LatencyOf(&p.Total)
		cells = append(cells, []string{name, dur, strconv.FormatInt(p.Total.Count, 10), rps,
			msCells(l, l.P95)[0], strconv.FormatInt(p.Total.Errors, 10)})
	}
	sw.buf.WriteString("\n")
	sw.table(cells, false)
}

func (sw *summaryWriter) thresholds() {
	sum := sw.sum
	if len(sum.Thresholds) > 0 {
		sw.buf.WriteString("\nthresholds\n")
		cells := make([][]string, 0, len(sum.Thresholds))
		for _, t := range sum.Thresholds {
			cells = append(cells, []string{"  " + sw.mark(t.Passed) + " " + t.Name, number(t.Value)})
		}
		sw.table(cells, false)
	}
	if len(sum.Notes) > 0 {
		sw.buf.WriteString("\n")
		for _, n := range sum.Notes {
			sw.buf.WriteString("note: " + n + "\n")
		}
	}
	if len(sum.Thresholds) == 0 {
		return
	}
	sw.buf.WriteString("\n")
	if failed := reporters.FailedThresholds(sum); failed > 0 {
		sw.buf.WriteString(sw.st.color(ansiRed,
			fmt.Sprintf("%d of %d thresholds failed", failed, len(sum.Thresholds))) + "\n")
		return
	}
	sw.buf.WriteString(sw.st.color(ansiGreen, "thresholds passed") + "\n")
}

// mark is the pass/fail sign of a threshold. Both signs have the same
// width, colour codes included, so threshold names stay aligned.
func (sw *summaryWriter) mark(passed bool) string {
	switch {
	case sw.st.plain && passed:
		return "PASS"
	case sw.st.plain:
		return "FAIL"
	case passed:
		return sw.st.color(ansiGreen, "✓")
	default:
		return sw.st.color(ansiRed, "✗")
	}
}
