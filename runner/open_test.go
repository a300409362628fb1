package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/scenario"
)

// runOne builds the executor of ph with opts and runs it alone over w,
// waiting for its VUs; it returns the pool and the executor's start time.
func runOne(t *testing.T, ph scenario.Phase, opts Options, w workload) (*pool, executor, time.Time) {
	t.Helper()
	opts, err := opts.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	var pl PhasePlan
	ex, err := newExecutor(0, ph, opts, &pl)
	if err != nil {
		t.Fatal(err)
	}
	p := newPool(w, t.Context())
	t0 := time.Now()
	ex.run(t.Context(), p)
	if got := time.Since(t0); got != ph.Duration {
		t.Errorf("executor returned after %v, want the phase's %v", got, ph.Duration)
	}
	p.wg.Wait()
	return p, ex, t0
}

func TestOpenArrivalTimes(t *testing.T) {
	tests := []struct {
		name  string
		phase scenario.Phase
		seg   Segment
		want  []time.Duration // start offsets of the arrivals
	}{
		// 4/s for 1 s: every 250 ms, none at the end.
		{"constant", scenario.Phase{Kind: scenario.PhaseArrivalRate, ArrivalRate: 4, Duration: time.Second},
			Segment{}, []time.Duration{0, ms(250), ms(500), ms(750)}},
		// A rampTo equal to the rate is a constant rate.
		{"flat ramp", scenario.Phase{Kind: scenario.PhaseArrivalRate, ArrivalRate: 2, RampTo: 2, Duration: time.Second},
			Segment{}, []time.Duration{0, ms(500)}},
		// Ramp 0→4/s over 2 s: N(t) = t², arrivals at √n s.
		{"ramp up from zero", scenario.Phase{Kind: scenario.PhaseArrivalRate, ArrivalRate: 0, RampTo: 4, Duration: 2 * time.Second},
			Segment{}, []time.Duration{0, time.Second, 1414213562, 1732050808}},
		// Ramp 4→2/s over 2 s: N(t) = 4t − t²/2, arrivals at 4 − √(16−2n) s.
		{"ramp down", scenario.Phase{Kind: scenario.PhaseArrivalRate, ArrivalRate: 4, RampTo: 2, Duration: 2 * time.Second},
			Segment{}, []time.Duration{0, 258342613, 535898385, 837722340, 1171572875, 1550510257}},
		// 3 arrivals over 1.5 s: every 500 ms.
		{"count", scenario.Phase{Kind: scenario.PhaseArrivalCount, ArrivalCount: 3, Duration: 1500 * time.Millisecond},
			Segment{}, []time.Duration{0, ms(500), time.Second}},
		// Segment 2/3 of 6/s for 1 s runs arrivals 1 and 4, at their
		// unsplit times.
		{"segment", scenario.Phase{Kind: scenario.PhaseArrivalRate, ArrivalRate: 6, Duration: time.Second},
			Segment{2, 3}, []time.Duration{166666667, 666666667}},
		// A pause-length phase with no rate starts nothing.
		{"zero rate", scenario.Phase{Kind: scenario.PhaseArrivalRate, ArrivalRate: 0, Duration: time.Second},
			Segment{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				w := &fakeWorkload{iter: takes(ms(10))}
				p, _, t0 := runOne(t, tt.phase, Options{Segment: tt.seg}, w)
				calls := w.snapshot()
				if got := offsets(calls, t0); !slices.Equal(got, tt.want) {
					t.Fatalf("arrivals at %v, want %v", got, tt.want)
				}
				for i, c := range calls {
					if !c.intended.Equal(c.at) {
						t.Errorf("arrival %d: intended %v, started %v", i, c.intended.Sub(t0), c.at.Sub(t0))
					}
					if c.phase != 0 {
						t.Errorf("arrival %d recorded into phase %d", i, c.phase)
					}
				}
				n := int64(len(tt.want))
				if s := p.stats(); s.Created != n || s.Completed != n || s.Active != 0 || s.Dropped != 0 || len(w.closed) != len(tt.want) {
					t.Errorf("stats %+v, closed %d; want %d created, completed and closed", s, len(w.closed), n)
				}
			})
		})
	}
}

func TestOpenDropsAtCap(t *testing.T) {
	tests := []struct {
		name        string
		phase       scenario.Phase
		opts        Options
		iteration   time.Duration
		wantStarts  []time.Duration
		wantDropped int64
	}{
		// 10/s with 1 s iterations and maxVusers 3: three start, the other
		// seven find the cap reached and are dropped, not queued.
		{"phase cap", scenario.Phase{Kind: scenario.PhaseArrivalRate, ArrivalRate: 10, Duration: time.Second, MaxVusers: 3},
			Options{}, time.Second, []time.Duration{0, ms(100), ms(200)}, 7},
		// With 250 ms iterations and a cap of 2, VUs free up again: every
		// third arrival finds two in flight.
		{"cap frees up", scenario.Phase{Kind: scenario.PhaseArrivalRate, ArrivalRate: 10, Duration: time.Second, MaxVusers: 2},
			Options{}, ms(250), []time.Duration{0, ms(100), ms(300), ms(400), ms(600), ms(700), ms(900)}, 3},
		// Without maxVusers the run's cap applies.
		{"run cap", scenario.Phase{Kind: scenario.PhaseArrivalCount, ArrivalCount: 5, Duration: time.Second},
			Options{MaxVUs: 2}, 10 * time.Second, []time.Duration{0, ms(200)}, 3},
		// Segment 1/2 of maxVusers 4 caps at 2; it owns arrivals 0, 2, 4, 6, 8.
		{"segment cap", scenario.Phase{Kind: scenario.PhaseArrivalRate, ArrivalRate: 10, Duration: time.Second, MaxVusers: 4},
			Options{Segment: Segment{1, 2}}, 10 * time.Second, []time.Duration{0, ms(200)}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				w := &fakeWorkload{iter: takes(tt.iteration)}
				p, ex, t0 := runOne(t, tt.phase, tt.opts, w)
				if got := offsets(w.snapshot(), t0); !slices.Equal(got, tt.wantStarts) {
					t.Errorf("started at %v, want %v", got, tt.wantStarts)
				}
				n := int64(len(tt.wantStarts))
				s := p.stats()
				if s.Dropped != tt.wantDropped || s.Created != n || s.Completed != n {
					t.Errorf("stats %+v; want %d dropped, %d created and completed", s, tt.wantDropped, n)
				}
				if d := ex.(*openExecutor).dropped.Load(); d != tt.wantDropped {
					t.Errorf("phase counted %d drops, want %d", d, tt.wantDropped)
				}
			})
		})
	}
}

// TestOpenDoesNotWaitForResponses runs iterations far longer than the
// arrival interval: arrivals keep their schedule and VUs pile up.
func TestOpenDoesNotWaitForResponses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := &fakeWorkload{iter: takes(time.Minute)}
		opts, _ := Options{}.withDefaults()
		var pl PhasePlan
		ex, err := newExecutor(0, scenario.Phase{Kind: scenario.PhaseArrivalRate, ArrivalRate: 5, Duration: time.Second}, opts, &pl)
		if err != nil {
			t.Fatal(err)
		}
		p := newPool(w, t.Context())
		t0 := time.Now()
		ex.run(t.Context(), p)
		synctest.Wait()
		want := []time.Duration{0, ms(200), ms(400), ms(600), ms(800)}
		if got := offsets(w.snapshot(), t0); !slices.Equal(got, want) {
			t.Errorf("arrivals at %v, want %v", got, want)
		}
		if s := p.stats(); s.Active != 5 || s.Completed != 0 {
			t.Errorf("at the phase end: %+v, want 5 active, none completed", s)
		}
		p.wg.Wait()
		if s := p.stats(); s.Active != 0 || s.Completed != 5 {
			t.Errorf("after the iterations: %+v, want 0 active, 5 completed", s)
		}
	})
}

func TestOpenOutcomes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// VU ids 1..6: odd ids abort (wrapped ErrAborted), id 6 fails with
		// an unexpected error, the rest complete.
		w := &fakeWorkload{iter: func(ctx context.Context, id int64, _ int) error {
			if err := sleepCtx(ctx, ms(50)); err != nil {
				return err
			}
			switch {
			case id == 6:
				return errors.New("boom")
			case id%2 == 1:
				return fmt.Errorf("step 2: %w", engine.ErrAborted)
			}
			return nil
		}}
		p, _, _ := runOne(t, scenario.Phase{Kind: scenario.PhaseArrivalCount, ArrivalCount: 6, Duration: time.Second}, Options{}, w)
		if s := p.stats(); s.Created != 6 || s.Completed != 2 || s.Failed != 4 || p.cancelled.Load() != 0 {
			t.Errorf("stats %+v, cancelled %d; want 6 created, 2 completed, 4 failed", s, p.cancelled.Load())
		}
	})
}
