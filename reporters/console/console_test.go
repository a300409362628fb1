package console

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/reporters/internal/fixture"
	"github.com/loadgo/loadgo/runner/metrics"
)

func TestFormatLive(t *testing.T) {
	full := liveLine{
		Elapsed: 12*time.Second + 900*time.Millisecond, Total: time.Minute,
		Phase: 1, Phases: 3, PhaseName: "ramp",
		RPS: 512, Errors: 0, TotalErrors: 3, VUs: 23, Count: 512,
		P50: 1200 * time.Microsecond, P95: 3400 * time.Microsecond, P99: 8100 * time.Microsecond,
	}
	tests := []struct {
		name  string
		line  func(l liveLine) liveLine
		plain bool
		want  string
	}{
		{
			// The documented example.
			name: "full", plain: true, line: func(l liveLine) liveLine { return l },
			want: `[00:12/01:00] phase "ramp" (2/3)  rps 512.0  err 0 (total 3)  vus 23  p50 1.2ms p95 3.4ms p99 8.1ms`,
		},
		{
			// Errors in the interval are red unless plain.
			name: "errors coloured", line: func(l liveLine) liveLine { l.Errors = 4; return l },
			want: "[00:12/01:00] phase \"ramp\" (2/3)  rps 512.0  \x1b[31merr 4\x1b[0m (total 3)  vus 23  p50 1.2ms p95 3.4ms p99 8.1ms",
		},
		{
			// No planned total (open-ended run): elapsed only.
			name: "no total", plain: true, line: func(l liveLine) liveLine { l.Total = 0; return l },
			want: `[00:12] phase "ramp" (2/3)  rps 512.0  err 0 (total 3)  vus 23  p50 1.2ms p95 3.4ms p99 8.1ms`,
		},
		{
			// An unnamed phase is shown by its position.
			name: "unnamed phase", plain: true, line: func(l liveLine) liveLine { l.PhaseName = ""; return l },
			want: `[00:12/01:00] phase 2/3  rps 512.0  err 0 (total 3)  vus 23  p50 1.2ms p95 3.4ms p99 8.1ms`,
		},
		{
			// A named flow outside the phases (before/after) has no position.
			name: "before flow", plain: true, line: func(l liveLine) liveLine { l.Phase, l.PhaseName = -1, "before"; return l },
			want: `[00:12/01:00] phase "before"  rps 512.0  err 0 (total 3)  vus 23  p50 1.2ms p95 3.4ms p99 8.1ms`,
		},
		{
			// Outside phases and unnamed: no phase part at all.
			name: "no phase", plain: true, line: func(l liveLine) liveLine { l.Phase, l.PhaseName = -1, ""; return l },
			want: `[00:12/01:00]  rps 512.0  err 0 (total 3)  vus 23  p50 1.2ms p95 3.4ms p99 8.1ms`,
		},
		{
			// An interval without requests has no percentiles, not zeros.
			name: "idle interval", plain: true, line: func(l liveLine) liveLine { l.Count, l.RPS = 0, 0; return l },
			want: `[00:12/01:00] phase "ramp" (2/3)  rps 0.0  err 0 (total 3)  vus 23  p50 - p95 - p99 -`,
		},
		{
			// Sub-millisecond and multi-second latencies; hours in the clock.
			name: "units", line: func(l liveLine) liveLine {
				l.Elapsed, l.Total = 3*time.Hour+2*time.Minute+1*time.Second, 4*time.Hour
				l.P50, l.P95, l.P99 = 850*time.Microsecond, 999*time.Millisecond, 2346*time.Millisecond
				return l
			},
			want: `[3:02:01/4:00:00] phase "ramp" (2/3)  rps 512.0  err 0 (total 3)  vus 23  p50 850µs p95 999.0ms p99 2.35s`,
		},
		{
			// ASCII output spells µs as us.
			name: "ascii micros", plain: true, line: func(l liveLine) liveLine { l.P50 = 85 * time.Microsecond; return l },
			want: `[00:12/01:00] phase "ramp" (2/3)  rps 512.0  err 0 (total 3)  vus 23  p50 85us p95 3.4ms p99 8.1ms`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatLive(tt.line(full), tt.plain); got != tt.want {
				t.Errorf("\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

var liveInfo = reporters.RunInfo{
	Scenario: "examples/api.yaml",
	Target:   "http://127.0.0.1:8080",
	Phases: []reporters.PhaseInfo{
		{Name: "warm", Kind: "constant", Duration: 4 * time.Second},
		{Name: "peak", Kind: "constant", Duration: 8 * time.Second},
	},
	Total: 12 * time.Second,
	Start: start,
}

// snap builds the snapshot of the second ending at i seconds. Requests
// take 1..n ms; errs of them failed with a timeout.
func snap(i, n int, errs int64, active int64) *metrics.Snapshot {
	phase, name := 0, "warm"
	if i > 4 {
		phase, name = 1, "peak"
	}
	sp := fixture.Spec{Status: map[int]int64{}}
	if n > 0 {
		sp.Latencies = fixture.Ramp(n, time.Millisecond, time.Duration(n)*time.Millisecond)
		sp.Status[200] = int64(n) - errs
	}
	if errs > 0 {
		sp.Errors = map[metrics.ErrorKind]int64{metrics.ErrTimeout: errs}
	}
	return &metrics.Snapshot{
		Seq:       i - 1,
		Start:     start.Add(time.Duration(i-1) * time.Second),
		End:       start.Add(time.Duration(i) * time.Second),
		Elapsed:   time.Duration(i) * time.Second,
		Phase:     phase,
		PhaseName: name,
		Total:     fixture.Stats(sp),
		VUs:       metrics.VUStats{Active: active, Created: active, Completed: 0},
	}
}

// run feeds twelve one-second snapshots (one idle, some with errors) and
// the summary to a reporter writing to a buffer.
func run(t *testing.T, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	r := New(&buf, opts)
	if err := r.Start(liveInfo); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 12; i++ {
		n, errs := 100*i, int64(0)
		switch i {
		case 3:
			n = 0 // an idle second
		case 7, 8:
			errs = int64(i)
		}
		r.Report(snap(i, n, errs, int64(10+i)))
	}
	sum := fixture.Summary(start, 12*time.Second, []string{"warm", "peak"},
		fixture.Series{Name: "GET /", Phase: 0, PhaseName: "warm", Spec: fixture.Spec{Latencies: fixture.Ramp(700, time.Millisecond, 400*time.Millisecond)}})
	if err := r.Finish(sum); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReporterLiveGolden(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		// Terminal: the status line is redrawn every second and erased
		// before the summary.
		{name: "tty", opts: Options{TTY: true}},
		// CI log, default period: a plain line every five seconds.
		{name: "plain", opts: Options{NoColor: true}},
		// CI log with a three-second period.
		{name: "plain_every3s", opts: Options{NoColor: true, Every: 3 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, "live_"+tt.name, run(t, tt.opts))
		})
	}
}

// TestReporterPlainWindow checks that a plain line covers every snapshot
// since the previous line: its rate is over the whole window and its
// percentiles are those of the merged histograms.
func TestReporterPlainWindow(t *testing.T) {
	out := string(run(t, Options{NoColor: true}))
	lines := strings.Split(out, "\n")
	// Seconds 6..10: 600..1000 requests each, 1..n ms.
	var lat []time.Duration
	var count int64
	for i := 6; i <= 10; i++ {
		lat = append(lat, fixture.Ramp(100*i, time.Millisecond, time.Duration(100*i)*time.Millisecond)...)
		count += int64(100 * i)
	}
	h := fixture.Histogram(lat...)
	us := func(q float64) time.Duration { return time.Duration(h.ValueAtQuantile(q)) * time.Microsecond }
	want := formatLive(liveLine{
		Elapsed: 10 * time.Second, Total: 12 * time.Second, Phase: 1, Phases: 2, PhaseName: "peak",
		RPS: float64(count) / 5, Errors: 15, TotalErrors: 15, VUs: 20, Count: count,
		P50: us(50), P95: us(95), P99: us(99),
	}, true)
	if lines[1] != want {
		t.Errorf("second progress line\n got %q\nwant %q", lines[1], want)
	}
}

func TestReporterQuiet(t *testing.T) {
	got := run(t, Options{Quiet: true, TTY: true})
	sum := fixture.Summary(start, 12*time.Second, []string{"warm", "peak"},
		fixture.Series{Name: "GET /", Phase: 0, PhaseName: "warm", Spec: fixture.Spec{Latencies: fixture.Ramp(700, time.Millisecond, 400*time.Millisecond)}})
	var want bytes.Buffer
	if err := WriteSummary(&want, liveInfo, sum, Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("quiet output is not just the summary:\n%s", got)
	}
}

// liveFailingWriter fails the writes of progress lines (they start with the
// erase sequence in TTY mode) and accepts the rest.
type liveFailingWriter struct {
	buf bytes.Buffer
	err error
}

func (w *liveFailingWriter) Write(p []byte) (int, error) {
	if bytes.HasPrefix(p, []byte(eraseLine+"[")) {
		return 0, w.err
	}
	return w.buf.Write(p)
}

func TestReporterWriteErrors(t *testing.T) {
	errBroken := errors.New("broken pipe")
	tests := []struct {
		name string
		w    func() interface{ Write([]byte) (int, error) }
		// wantSummary says whether the summary still reaches the writer.
		wantSummary bool
	}{
		// Everything fails: Finish reports the summary's failure.
		{name: "all writes fail", w: func() interface{ Write([]byte) (int, error) } { return failingWriter{errBroken} }},
		// Only the progress lines failed: the summary is written, and
		// Finish still reports the earlier failure.
		{name: "progress fails", w: func() interface{ Write([]byte) (int, error) } { return &liveFailingWriter{err: errBroken} }, wantSummary: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.w()
			r := New(w, Options{TTY: true})
			r.Report(snap(1, 10, 0, 1))
			err := r.Finish(oneName())
			if !errors.Is(err, errBroken) {
				t.Fatalf("Finish = %v, want it to wrap %v", err, errBroken)
			}
			if lw, ok := w.(*liveFailingWriter); ok && tt.wantSummary && !strings.Contains(lw.buf.String(), "GET /health") {
				t.Errorf("summary missing after a failed progress line:\n%s", lw.buf.String())
			}
		})
	}
}

func TestReporterNilSnapshotAndSummary(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, Options{TTY: true})
	r.Report(nil)
	if buf.Len() != 0 {
		t.Errorf("a nil snapshot wrote %q", buf.String())
	}
	if err := r.Finish(nil); err == nil {
		t.Error("Finish(nil) returned no error")
	}
}
