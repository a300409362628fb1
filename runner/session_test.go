package runner

import (
	"context"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/loadgo/loadgo/scenario"
)

// newTestSession plans phases and makes a session over w.
func newTestSession(t *testing.T, ctx context.Context, phases []scenario.Phase, grace time.Duration, w workload) *session {
	t.Helper()
	opts, err := Options{GracePeriod: grace}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	_, execs, err := buildPlan(phases, opts)
	if err != nil {
		t.Fatal(err)
	}
	return newSession(ctx, w, execs, opts.GracePeriod)
}

func TestSessionGracefulStop(t *testing.T) {
	open := func(rate float64, d time.Duration) scenario.Phase {
		return scenario.Phase{Kind: scenario.PhaseArrivalRate, ArrivalRate: rate, Duration: d}
	}
	tests := []struct {
		name      string
		phases    []scenario.Phase
		iteration time.Duration
		grace     time.Duration
		stopAt    time.Duration // cancel Run's context then; 0: never
		// wantStarts are the iteration start offsets; wantEnd is when run
		// returns.
		wantStarts    []time.Duration
		wantEnd       time.Duration
		wantCompleted int64
		wantCancelled int64
		wantPhases    int // phases started
		interrupted   bool
		expired       bool
	}{
		// Iterations outlast the phase but fit the grace: run waits for
		// them (the last arrival at 500 ms ends at 1.7 s).
		{name: "grace suffices", phases: []scenario.Phase{open(2, time.Second)}, iteration: ms(1200), grace: 5 * time.Second,
			wantStarts: []time.Duration{0, ms(500)}, wantEnd: ms(1700), wantCompleted: 2, wantPhases: 1},
		// Iterations outlast the grace: cancelled 1 s after the last phase.
		{name: "grace expires", phases: []scenario.Phase{open(2, time.Second)}, iteration: 3 * time.Second, grace: time.Second,
			wantStarts: []time.Duration{0, ms(500)}, wantEnd: 2 * time.Second, wantCancelled: 2, expired: true, wantPhases: 1},
		// A stop at 600 ms: no arrival after it, in-flight ones finish,
		// the second phase never runs.
		{name: "stop", phases: []scenario.Phase{open(4, 2*time.Second), open(10, time.Second)}, iteration: ms(300), grace: 10 * time.Second, stopAt: ms(600),
			wantStarts: []time.Duration{0, ms(250), ms(500)}, wantEnd: ms(800), wantCompleted: 3, interrupted: true, wantPhases: 1},
		// A stop, then the hard cancel one grace period later.
		{name: "stop then hard cancel", phases: []scenario.Phase{open(4, 2*time.Second)}, iteration: 10 * time.Second, grace: time.Second, stopAt: ms(600),
			wantStarts: []time.Duration{0, ms(250), ms(500)}, wantEnd: ms(1600), wantCancelled: 3, interrupted: true, expired: true, wantPhases: 1},
		// A closed phase stopped mid-iteration: no new iteration starts,
		// the current ones finish.
		{name: "closed stop", phases: []scenario.Phase{{Kind: scenario.PhaseVUs, VUs: 2, Duration: 5 * time.Second}}, iteration: ms(400), grace: 10 * time.Second, stopAt: ms(1000),
			wantStarts: []time.Duration{0, 0, ms(400), ms(400), ms(800), ms(800)}, wantEnd: ms(1200), wantCompleted: 6, interrupted: true, wantPhases: 1},
		// Open VUs run on into the next phase (a pause) and the run
		// waits for the plan, not just for them.
		{name: "open VUs outlive their phase", phases: []scenario.Phase{
			{Kind: scenario.PhaseArrivalCount, ArrivalCount: 1, Duration: time.Second},
			{Kind: scenario.PhasePause, Duration: 3 * time.Second},
		}, iteration: ms(2500), grace: time.Second,
			wantStarts: []time.Duration{0}, wantEnd: 4 * time.Second, wantCompleted: 1, wantPhases: 2},
		// A stop during a pause ends it at once.
		{name: "stop in pause", phases: []scenario.Phase{{Kind: scenario.PhasePause, Duration: time.Hour}}, grace: time.Second, stopAt: time.Second,
			wantEnd: time.Second, interrupted: true, wantPhases: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				if tt.stopAt > 0 {
					time.AfterFunc(tt.stopAt, cancel)
				}
				w := &fakeWorkload{iter: takes(tt.iteration)}
				s := newTestSession(t, ctx, tt.phases, tt.grace, w)
				t0 := time.Now()
				interrupted := s.run(ctx)
				if got := time.Since(t0); got != tt.wantEnd {
					t.Errorf("run returned at %v, want %v", got, tt.wantEnd)
				}
				if got := offsets(w.snapshot(), t0); !slices.Equal(got, tt.wantStarts) {
					t.Errorf("iterations at %v, want %v", got, tt.wantStarts)
				}
				if interrupted != tt.interrupted || s.graceExpired != tt.expired {
					t.Errorf("interrupted %v, grace expired %v; want %v, %v", interrupted, s.graceExpired, tt.interrupted, tt.expired)
				}
				st := s.pool.stats()
				if st.Completed != tt.wantCompleted || s.pool.cancelled.Load() != tt.wantCancelled || st.Active != 0 || st.Failed != 0 {
					t.Errorf("stats %+v, cancelled %d; want %d completed, %d cancelled", st, s.pool.cancelled.Load(), tt.wantCompleted, tt.wantCancelled)
				}
				if s.started != tt.wantPhases {
					t.Errorf("%d phases started, want %d", s.started, tt.wantPhases)
				}
				if s.phase.Load() != noPhase {
					t.Errorf("phase %d after the run, want %d", s.phase.Load(), noPhase)
				}
			})
		})
	}
}

// TestSessionPhases checks the phase gauge the aggregator reads, and that
// VUs record into the phase that started them.
func TestSessionPhases(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := &fakeWorkload{iter: takes(ms(100))}
		s := newTestSession(t, t.Context(), []scenario.Phase{
			{Kind: scenario.PhaseArrivalCount, ArrivalCount: 2, Duration: time.Second},
			{Kind: scenario.PhasePause, Duration: time.Second},
			{Kind: scenario.PhaseVUs, VUs: 1, Duration: time.Second},
		}, time.Second, w)
		if got := s.phase.Load(); got != noPhase {
			t.Fatalf("phase %d before the run, want %d", got, noPhase)
		}
		t0 := time.Now()
		var seen []int32
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			for _, at := range []time.Duration{ms(500), ms(1500), ms(2500)} {
				time.Sleep(time.Until(t0.Add(at)))
				seen = append(seen, s.phase.Load())
			}
		}()
		s.run(t.Context())
		<-sampled
		if want := []int32{0, 1, 2}; !slices.Equal(seen, want) {
			t.Errorf("phases seen %v, want %v", seen, want)
		}
		for _, c := range w.snapshot() {
			want := 0 // the arrivals at 0 and 500 ms
			if c.at.Sub(t0) >= 2*time.Second {
				want = 2 // the closed VU's iterations
			}
			if c.phase != want {
				t.Errorf("iteration at %v in phase %d, want %d", c.at.Sub(t0), c.phase, want)
			}
		}
	})
}

// TestSessionSegmentsAddUp runs a mixed plan unsplit and in 3 segments:
// the segments' iterations together are exactly the unsplit run's.
func TestSessionSegmentsAddUp(t *testing.T) {
	phases := []scenario.Phase{
		{Kind: scenario.PhaseArrivalRate, ArrivalRate: 7, RampTo: 20, Duration: 2 * time.Second},
		{Kind: scenario.PhaseArrivalCount, ArrivalCount: 10, Duration: time.Second},
		{Kind: scenario.PhaseVUs, VUs: 2, RampTo: 5, Duration: time.Second},
	}
	run := func(t *testing.T, seg Segment) []time.Duration {
		var got []time.Duration
		synctest.Test(t, func(t *testing.T) {
			opts, _ := Options{Segment: seg}.withDefaults()
			_, execs, err := buildPlan(phases, opts)
			if err != nil {
				t.Fatal(err)
			}
			w := &fakeWorkload{iter: takes(ms(300))}
			s := newSession(t.Context(), w, execs, time.Second)
			t0 := time.Now()
			s.run(t.Context())
			got = offsets(w.snapshot(), t0)
		})
		return got
	}
	whole := run(t, Segment{})
	var union []time.Duration
	for i := 1; i <= 3; i++ {
		union = append(union, run(t, Segment{i, 3})...)
	}
	slices.Sort(union)
	if len(whole) == 0 || !slices.Equal(union, whole) {
		t.Errorf("segments ran %d iterations at %v,\nunsplit %d at %v", len(union), union, len(whole), whole)
	}
}
