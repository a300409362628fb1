package runner

import (
	"fmt"
	"io"
	"time"

	"github.com/loadgo/loadgo/scenario"
)

// Defaults of Options.
const (
	DefaultGracePeriod = 30 * time.Second
	DefaultInterval    = time.Second
	DefaultMaxVUs      = 20000
)

// Options tune a run.
type Options struct {
	Segment Segment
	// GracePeriod is how long in-flight VUs may finish after the last phase
	// (or a stop) before they are cancelled. Zero means the default, 30s;
	// negative is an error. It also bounds the after flow.
	GracePeriod time.Duration
	// Interval is the snapshot interval. Default 1s.
	Interval time.Duration
	// MaxVUs is the safety cap on concurrent VUs of any phase. Default 20000.
	MaxVUs int
	// MaxConns caps the connections open at once across all VUs; when > 0
	// it overrides config.http.maxConnections (see engine.ConnCapError).
	MaxConns int
	// Env is the process environment for {{ $env.NAME }}.
	Env map[string]string
	// Log receives log steps and warnings; nil discards.
	Log io.Writer
}

// withDefaults validates o and fills in the defaults of zero fields.
func (o Options) withDefaults() (Options, error) {
	if err := o.Segment.Validate(); err != nil {
		return o, err
	}
	if o.GracePeriod < 0 || o.Interval < 0 || o.MaxVUs < 0 {
		return o, fmt.Errorf("options: negative grace period (%v), interval (%v) or max VUs (%d)",
			o.GracePeriod, o.Interval, o.MaxVUs)
	}
	if o.GracePeriod == 0 {
		o.GracePeriod = DefaultGracePeriod
	}
	if o.Interval == 0 {
		o.Interval = DefaultInterval
	}
	if o.MaxVUs == 0 {
		o.MaxVUs = DefaultMaxVUs
	}
	return o, nil
}

// PhasePlan is one phase as this instance will run it.
type PhasePlan struct {
	Name     string
	Kind     scenario.PhaseKind
	Duration time.Duration
	// Arrivals is how many arrivals this instance will schedule in an
	// open-model phase (its segment's share).
	Arrivals int64
	// VUs is the largest number of VUs this instance runs at once in a
	// closed-model phase (its segment's share of max(vus, rampTo)).
	VUs int
	// MaxVUs is this instance's concurrency cap of an open-model phase: its
	// segment's share of maxVusers, else Options.MaxVUs.
	MaxVUs int
}

// buildPlan turns the scenario's phases into executors and their plans.
func buildPlan(phases []scenario.Phase, opts Options) ([]PhasePlan, []executor, error) {
	plans := make([]PhasePlan, 0, len(phases))
	execs := make([]executor, 0, len(phases))
	for i, ph := range phases {
		name := ph.Name
		if name == "" {
			name = fmt.Sprintf("phase %d", i+1)
		}
		pl := PhasePlan{Name: name, Kind: ph.Kind, Duration: ph.Duration}
		ex, err := newExecutor(i, ph, opts, &pl)
		if err != nil {
			return nil, nil, fmt.Errorf("phase %q: %w", name, err)
		}
		plans = append(plans, pl)
		execs = append(execs, ex)
	}
	return plans, execs, nil
}

// newExecutor validates one phase and makes its executor, filling in pl.
func newExecutor(idx int, ph scenario.Phase, opts Options, pl *PhasePlan) (executor, error) {
	if ph.Duration < 0 {
		return nil, fmt.Errorf("negative duration %v", ph.Duration)
	}
	seg := opts.Segment
	switch ph.Kind {
	case scenario.PhaseArrivalRate, scenario.PhaseArrivalCount:
		p, err := newPacer(ph)
		if err != nil {
			return nil, err
		}
		limit := opts.MaxVUs
		if ph.MaxVusers < 0 {
			return nil, fmt.Errorf("negative maxVusers %d", ph.MaxVusers)
		}
		if ph.MaxVusers > 0 {
			// The segment's share of the cap, at least 1 so that a segment
			// of a tiny cap can still run.
			limit = int(max(1, seg.share(int64(ph.MaxVusers))))
		}
		pl.Arrivals = seg.share(arrivals(p))
		pl.MaxVUs = limit
		return &openExecutor{
			phase: idx, duration: ph.Duration, pacer: p, seg: seg,
			limit: int64(limit), capFromPhase: ph.MaxVusers > 0,
		}, nil
	case scenario.PhaseVUs:
		if ph.VUs < 0 || ph.RampTo < 0 {
			return nil, fmt.Errorf("negative vus (%d) or rampTo (%v)", ph.VUs, ph.RampTo)
		}
		to := ph.VUs
		if ph.RampTo > 0 {
			to = int(ph.RampTo)
		}
		if peak := max(ph.VUs, to); peak > opts.MaxVUs {
			return nil, fmt.Errorf("%d VUs exceed the VU cap of %d", peak, opts.MaxVUs)
		}
		ex := &closedExecutor{phase: idx, duration: ph.Duration, from: ph.VUs, to: to, seg: seg}
		pl.VUs = int(seg.share(int64(max(ph.VUs, to))))
		return ex, nil
	case scenario.PhasePause:
		return pauseExecutor{duration: ph.Duration}, nil
	}
	return nil, fmt.Errorf("unknown phase kind %v", ph.Kind)
}

// newPacer makes the pacer of an open-model phase.
func newPacer(ph scenario.Phase) (pacer, error) {
	if ph.Kind == scenario.PhaseArrivalCount {
		if ph.ArrivalCount < 0 {
			return nil, fmt.Errorf("negative arrivalCount %d", ph.ArrivalCount)
		}
		return countPacer{Count: int64(ph.ArrivalCount), Duration: ph.Duration}, nil
	}
	if ph.ArrivalRate < 0 || ph.RampTo < 0 {
		return nil, fmt.Errorf("negative arrivalRate (%v) or rampTo (%v)", ph.ArrivalRate, ph.RampTo)
	}
	if ph.RampTo > 0 && ph.RampTo != ph.ArrivalRate {
		return linearPacer{From: ph.ArrivalRate, To: ph.RampTo, Duration: ph.Duration}, nil
	}
	return constantPacer{Rate: ph.ArrivalRate, Duration: ph.Duration}, nil
}
