package runner

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/runner/ensure"
	"github.com/loadgo/loadgo/runner/metrics"
	"github.com/loadgo/loadgo/scenario"
)

// Runner runs one compiled scenario once.
type Runner struct {
	sc     *scenario.Scenario
	opts   Options
	plans  []PhasePlan
	execs  []executor
	prog   *engine.Program
	rec    *metrics.Recorder
	shards int
	ran    atomic.Bool
}

// New validates opts, plans sc's phases for opts.Segment and compiles sc's
// flows. All parsing happens here; Run only runs.
func New(sc *scenario.Scenario, opts Options) (*Runner, error) {
	if sc == nil {
		return nil, errors.New("runner: nil scenario")
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("runner: %w", err)
	}
	plans, execs, err := buildPlan(sc.Config.Phases, opts)
	if err != nil {
		return nil, fmt.Errorf("runner: %w", err)
	}
	reg := metrics.NewRegistry()
	prog, err := engine.Compile(sc, reg, engine.Options{Env: opts.Env, Log: opts.Log, MaxConns: opts.MaxConns})
	if err != nil {
		return nil, fmt.Errorf("runner: compile %s: %w", sc.File, err)
	}
	// Four shards per P keep VUs recording at once on different locks.
	shards := 4 * runtime.GOMAXPROCS(0)
	return &Runner{
		sc:     sc,
		opts:   opts,
		plans:  plans,
		execs:  execs,
		prog:   prog,
		rec:    metrics.NewRecorder(reg, shards),
		shards: shards,
	}, nil
}

// Phases returns the plan: every phase as this instance will run it. The
// slice is a copy.
func (r *Runner) Phases() []PhasePlan {
	return append([]PhasePlan(nil), r.plans...)
}

// Run runs the before flow, every phase in order, and the after flow, calling
// onSnapshot (from one goroutine) once per interval and once at the end.
// Cancelling ctx is a graceful stop: no new arrivals or iterations start,
// in-flight VUs get the grace period, and the summary is still returned with
// Interrupted set. Thresholds are evaluated into the summary.
//
// Run returns an error only when the run could not run at all: a failed
// before flow, or a second call. Request failures are in the summary.
func (r *Runner) Run(ctx context.Context, onSnapshot func(*metrics.Snapshot)) (*metrics.Summary, error) {
	if !r.ran.CompareAndSwap(false, true) {
		return nil, errors.New("runner: Run called twice; a Runner runs once")
	}
	defer r.prog.Close()

	start := time.Now()
	agg := metrics.NewAggregator(r.rec, start)
	w := &engineWorkload{prog: r.prog, rec: r.rec, shards: int64(r.shards)}
	s := newSession(ctx, w, r.execs, r.opts.GracePeriod)
	s.pool.newAlarm = newPreciseAlarm // arrivals start on time, not a millisecond late
	finish := r.startCollector(agg, s, onSnapshot)

	var interrupted bool
	if err := r.prog.RunBefore(ctx, r.rec.Shard(0)); err != nil {
		if ctx.Err() == nil {
			finish()
			return nil, fmt.Errorf("runner: before flow failed: %w", r.prog.Redactor().Err(err))
		}
		interrupted = true
	} else {
		interrupted = s.run(ctx)
	}
	afterErr := r.runAfter(ctx)
	finish()

	sum := agg.Summary(time.Now(), s.pool.stats(), r.phaseNames())
	sum.Interrupted = interrupted
	sum.PhaseDurations = make([]time.Duration, len(r.plans))
	copy(sum.PhaseDurations, s.durations)
	r.correctClosed(sum, s.durations)
	sum.Custom = r.prog.CustomStats()
	sum.Thresholds, sum.Passed = ensure.Evaluate(r.sc.Config.Ensure, sum)
	sum.Notes = append(sum.Notes, r.notes(s, afterErr)...)
	for i, n := range sum.Notes { // every note is shown: mask what is secret
		sum.Notes[i] = r.prog.Redactor().String(n)
	}
	return sum, nil
}

// runAfter runs the after flow once, even after a stop (it is where scripts
// clean up). It gets its own context, bounded by the grace period, so that a
// dead server cannot hold the run. Its failures are recorded by the engine
// and returned for the summary's notes, never fatal.
func (r *Runner) runAfter(ctx context.Context) error {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opts.GracePeriod)
	defer cancel()
	if err := r.prog.RunAfter(actx, r.rec.Shard(0)); err != nil {
		return fmt.Errorf("after flow failed: %w", r.prog.Redactor().Err(err))
	}
	return nil
}

// startCollector starts the aggregator goroutine: one snapshot per
// interval, handed to onSnapshot from that goroutine only. The returned
// finish collects one last snapshot and waits for the goroutine to end.
func (r *Runner) startCollector(agg *metrics.Aggregator, s *session, onSnapshot func(*metrics.Snapshot)) (finish func()) {
	stop := make(chan struct{})
	done := make(chan struct{})
	collect := func() {
		i := int(s.phase.Load())
		snap := agg.Collect(time.Now(), i, r.phaseName(i), s.pool.stats())
		if onSnapshot != nil {
			onSnapshot(snap)
		}
	}
	go func() {
		defer close(done)
		t := time.NewTicker(r.opts.Interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				collect()
			case <-stop:
				collect()
				return
			}
		}
	}()
	return func() {
		close(stop)
		<-done
	}
}

// phaseName returns the name of phase i, "" outside the phases.
func (r *Runner) phaseName(i int) string {
	if i < 0 || i >= len(r.plans) {
		return ""
	}
	return r.plans[i].Name
}

func (r *Runner) phaseNames() []string {
	names := make([]string, len(r.plans))
	for i, p := range r.plans {
		names[i] = p.Name
	}
	return names
}
