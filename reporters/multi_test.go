package reporters_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/runner/metrics"
)

// recording is a Reporter that logs its calls into a shared journal and
// fails Start and Finish with the configured errors.
type recording struct {
	name      string
	journal   *[]string
	startErr  error
	finishErr error
	snaps     []*metrics.Snapshot
}

func (r *recording) Start(info reporters.RunInfo) error {
	*r.journal = append(*r.journal, r.name+".start:"+info.Scenario)
	return r.startErr
}

func (r *recording) Report(s *metrics.Snapshot) {
	*r.journal = append(*r.journal, r.name+".report")
	r.snaps = append(r.snaps, s)
}

func (r *recording) Finish(sum *metrics.Summary) error {
	*r.journal = append(*r.journal, r.name+".finish")
	return r.finishErr
}

func TestMulti(t *testing.T) {
	errA := errors.New("disk full")
	errB := errors.New("connection refused")
	tests := []struct {
		name string
		// errs gives each reporter's Start and Finish errors; nil entries
		// stand for a nil Reporter passed to NewMulti.
		errs      []*[2]error
		wantStart []error
		wantFin   []error
		wantLog   string
	}{
		{
			// Every reporter is called, in order, and nothing fails.
			name:    "all succeed",
			errs:    []*[2]error{{}, {}},
			wantLog: "r0.start:s.yaml r1.start:s.yaml r0.report r1.report r0.finish r1.finish",
		},
		{
			// A failing first reporter does not stop the second one.
			name:      "first fails at start",
			errs:      []*[2]error{{errA, nil}, {}},
			wantStart: []error{errA},
			wantLog:   "r0.start:s.yaml r1.start:s.yaml r0.report r1.report r0.finish r1.finish",
		},
		{
			// Failures of several reporters are all returned.
			name:    "two fail at finish",
			errs:    []*[2]error{{nil, errA}, {}, {nil, errB}},
			wantFin: []error{errA, errB},
			wantLog: "r0.start:s.yaml r1.start:s.yaml r2.start:s.yaml r0.report r1.report r2.report r0.finish r1.finish r2.finish",
		},
		{
			// Nil reporters are skipped rather than panicking.
			name:    "nil reporter skipped",
			errs:    []*[2]error{nil, {}, nil},
			wantLog: "r1.start:s.yaml r1.report r1.finish",
		},
		{
			// No reporters at all is a valid, silent fan-out.
			name: "empty",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var journal []string
			var rs []reporters.Reporter
			var recs []*recording
			for i, e := range tt.errs {
				if e == nil {
					rs = append(rs, nil)
					continue
				}
				r := &recording{name: "r" + string(rune('0'+i)), journal: &journal, startErr: e[0], finishErr: e[1]}
				recs = append(recs, r)
				rs = append(rs, r)
			}
			m := reporters.NewMulti(rs...)
			snap := &metrics.Snapshot{Seq: 7}
			checkJoined(t, "Start", m.Start(reporters.RunInfo{Scenario: "s.yaml"}), tt.wantStart)
			m.Report(snap)
			checkJoined(t, "Finish", m.Finish(&metrics.Summary{}), tt.wantFin)
			if got := strings.Join(journal, " "); got != tt.wantLog {
				t.Errorf("calls:\n got %q\nwant %q", got, tt.wantLog)
			}
			for _, r := range recs {
				if len(r.snaps) != 1 || r.snaps[0] != snap {
					t.Errorf("%s got snapshots %v, want the one shared snapshot", r.name, r.snaps)
				}
			}
		})
	}
}

func checkJoined(t *testing.T, what string, err error, want []error) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Errorf("%s: unexpected error %v", what, err)
		}
		return
	}
	if err == nil {
		t.Fatalf("%s: got nil error, want %v", what, want)
	}
	for _, w := range want {
		if !errors.Is(err, w) {
			t.Errorf("%s: error %q does not wrap %q", what, err, w)
		}
	}
	if !strings.Contains(err.Error(), "*reporters_test.recording") {
		t.Errorf("%s: error %q does not name the reporter type", what, err)
	}
}
