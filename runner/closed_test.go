package runner

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/scenario"
)

func TestClosedIterations(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// 3 VUs, 300 ms iterations, 1 s: each VU starts iterations at 0,
		// 300, 600 and 900 ms; the last ones run past the phase's end.
		w := &fakeWorkload{iter: takes(ms(300))}
		p, _, t0 := runOne(t, scenario.Phase{Kind: scenario.PhaseVUs, VUs: 3, Duration: time.Second}, Options{}, w)
		calls := w.snapshot()
		want := []time.Duration{0, 0, 0, ms(300), ms(300), ms(300), ms(600), ms(600), ms(600), ms(900), ms(900), ms(900)}
		if got := offsets(calls, t0); !slices.Equal(got, want) {
			t.Fatalf("iterations at %v, want %v", got, want)
		}
		for _, c := range calls {
			if !c.intended.IsZero() {
				t.Fatalf("closed iteration with intended %v, want zero", c.intended)
			}
		}
		if time.Since(t0) != ms(1200) {
			t.Errorf("last iteration ended at %v, want 1.2s", time.Since(t0))
		}
		if s := p.stats(); s.Created != 3 || s.Completed != 12 || s.Active != 0 || len(w.closed) != 3 {
			t.Errorf("stats %+v, closed %d; want 3 VUs created and closed, 12 iterations completed", s, len(w.closed))
		}
	})
}

// TestClosedRampCounts samples the active VU gauge during ramps.
func TestClosedRampCounts(t *testing.T) {
	type sample struct {
		at     time.Duration
		active int64
	}
	tests := []struct {
		name    string
		phase   scenario.Phase
		seg     Segment
		samples []sample
		// firstAt is when each VU id ran its first iteration.
		firstAt map[int64]time.Duration
		created int64
	}{
		// 0→4 over 4 s: VU j starts when the target t first exceeds j.
		{"ramp up from zero", scenario.Phase{Kind: scenario.PhaseVUs, VUs: 0, RampTo: 4, Duration: 4 * time.Second}, Segment{},
			[]sample{{ms(550), 1}, {ms(1550), 2}, {ms(2550), 3}, {ms(3550), 4}},
			map[int64]time.Duration{1: 0, 2: time.Second, 3: 2 * time.Second, 4: 3 * time.Second}, 4},
		// 2→6 over 2 s: two at once, then one every 500 ms.
		{"ramp up", scenario.Phase{Kind: scenario.PhaseVUs, VUs: 2, RampTo: 6, Duration: 2 * time.Second}, Segment{},
			[]sample{{ms(50), 3}, {ms(550), 4}, {ms(1050), 5}, {ms(1550), 6}},
			map[int64]time.Duration{1: 0, 2: 0, 3: 0, 4: ms(500), 5: time.Second, 6: ms(1500)}, 6},
		// 4→1 over 3 s: the highest VU leaves at the first iteration
		// boundary after 1 s, the next after 2 s; VU 1 stays.
		{"ramp down", scenario.Phase{Kind: scenario.PhaseVUs, VUs: 4, RampTo: 1, Duration: 3 * time.Second}, Segment{},
			[]sample{{ms(550), 4}, {ms(1550), 3}, {ms(2550), 2}},
			map[int64]time.Duration{1: 0, 2: 0, 3: 0, 4: 0}, 4},
		// Segment 2/2 of 0→4 runs VUs 1 and 3 (0-based) at their unsplit
		// times.
		{"segment", scenario.Phase{Kind: scenario.PhaseVUs, VUs: 0, RampTo: 4, Duration: 4 * time.Second}, Segment{2, 2},
			[]sample{{ms(550), 0}, {ms(1550), 1}, {ms(2550), 1}, {ms(3550), 2}},
			map[int64]time.Duration{1: time.Second, 2: 3 * time.Second}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				w := &fakeWorkload{iter: takes(ms(100))}
				opts, _ := Options{Segment: tt.seg}.withDefaults()
				var pl PhasePlan
				ex, err := newExecutor(0, tt.phase, opts, &pl)
				if err != nil {
					t.Fatal(err)
				}
				p := newPool(w, t.Context())
				t0 := time.Now()
				done := make(chan struct{})
				go func() {
					ex.run(t.Context(), p)
					close(done)
				}()
				for _, s := range tt.samples {
					time.Sleep(time.Until(t0.Add(s.at)))
					synctest.Wait()
					if got := p.active.Load(); got != s.active {
						t.Errorf("at %v: %d active, want %d", s.at, got, s.active)
					}
				}
				<-done
				p.wg.Wait()
				first := map[int64]time.Duration{}
				for _, c := range w.snapshot() {
					if _, ok := first[c.id]; !ok {
						first[c.id] = c.at.Sub(t0)
					}
				}
				if fmt.Sprint(first) != fmt.Sprint(tt.firstAt) {
					t.Errorf("first iterations %v, want %v", first, tt.firstAt)
				}
				if s := p.stats(); s.Created != tt.created || s.Active != 0 {
					t.Errorf("stats %+v, want %d created, none active", s, tt.created)
				}
			})
		})
	}
}

// TestClosedRampDownAtBoundary checks that a VU ramped down finishes the
// iteration it is in: with 700 ms iterations, VU 2 of 2→1 over 1 s has its
// stop time at 1 s, so it starts at 0 and 700 ms and leaves at 1.4 s.
func TestClosedRampDownAtBoundary(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := &fakeWorkload{iter: takes(ms(700))}
		p, _, t0 := runOne(t, scenario.Phase{Kind: scenario.PhaseVUs, VUs: 2, RampTo: 1, Duration: time.Second}, Options{}, w)
		var vu2 []time.Duration
		for _, c := range w.snapshot() {
			if c.id == 2 {
				vu2 = append(vu2, c.at.Sub(t0))
			}
		}
		if want := []time.Duration{0, ms(700)}; !slices.Equal(vu2, want) {
			t.Errorf("VU 2 iterations at %v, want %v", vu2, want)
		}
		if s := p.stats(); s.Completed != 4 {
			t.Errorf("stats %+v, want 4 iterations completed", s)
		}
	})
}

// TestClosedOutcomes checks the k6-like counting: Completed and Failed
// count iterations, Created counts VUs.
func TestClosedOutcomes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Every third iteration of each VU aborts.
		w := &fakeWorkload{iter: func(ctx context.Context, _ int64, it int) error {
			if err := sleepCtx(ctx, ms(100)); err != nil {
				return err
			}
			if it%3 == 2 {
				return fmt.Errorf("expect: %w", engine.ErrAborted)
			}
			return nil
		}}
		// 2 VUs × 10 iterations in 1 s: 3 aborted each (it 2, 5, 8).
		p, _, _ := runOne(t, scenario.Phase{Kind: scenario.PhaseVUs, VUs: 2, Duration: time.Second}, Options{}, w)
		if s := p.stats(); s.Created != 2 || s.Completed != 14 || s.Failed != 6 {
			t.Errorf("stats %+v, want 2 created, 14 completed, 6 failed", s)
		}
	})
}
