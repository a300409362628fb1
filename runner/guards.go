package runner

import (
	"cmp"
	"fmt"
	"math"
	"strconv"

	"github.com/loadgo/loadgo/runner/engine"
	"github.com/loadgo/loadgo/scenario"
)

// Resource guards: a plan that is legal but would take the user's own
// machine down (a typo such as arrivalRate: 100000) must not start without
// a visible warning, and the VU and connection caps must bound it.

// CheckPlan returns warnings about the resources sc's plan may need on this
// instance, before anything runs: a phase whose worst case (every arrival
// of one http.timeout in flight at once, when the target stalls) exceeds
// the VU cap; peak VUs, each holding at least one connection, past the
// connection cap or the process's open-file limit; and a connection cap
// above that limit. fdLimit is the open-file limit (0: unknown). A plan
// that New would refuse is reported too. The warnings name the phase and
// the flag or setting that changes the outcome.
func CheckPlan(sc *scenario.Scenario, opts Options, fdLimit int) []string {
	opts, err := opts.withDefaults()
	if err != nil {
		return []string{err.Error()}
	}
	plans, _, err := buildPlan(sc.Config.Phases, opts)
	if err != nil {
		return []string{fmt.Sprintf("%v: `loadgo run` refuses this plan; raise --max-vus or lower the phase's VUs", err)}
	}
	timeout := cmp.Or(sc.Config.HTTP.Timeout, engine.DefaultTimeout)
	connCap := cmp.Or(opts.MaxConns, sc.Config.HTTP.MaxConnections)
	var warns []string
	if connCap > 0 && fdLimit > 0 && connCap > fdLimit {
		warns = append(warns, fmt.Sprintf(
			"the connection cap of %d is above the open-file limit of %d (ulimit -n): connections past the limit fail with \"too many open files\"; raise the limit or lower the cap",
			connCap, fdLimit))
	}
	for i, ph := range sc.Config.Phases {
		pl := plans[i]
		peak := pl.VUs
		if pl.Kind == scenario.PhaseArrivalRate || pl.Kind == scenario.PhaseArrivalCount {
			rate := peakRate(ph)
			worst := opts.Segment.share(int64(math.Min(math.Ceil(rate*timeout.Seconds()), 1<<50)))
			peak = int(min(worst, int64(pl.MaxVUs)))
			if worst > int64(pl.MaxVUs) {
				warns = append(warns, at(ph, i, fmt.Sprintf(
					"at %s arrivals/s and an http.timeout of %v, up to %d VUs would be in flight at once if the target stalls; the VU cap of %d (%s) bounds it: arrivals past it are dropped and counted",
					strconv.FormatFloat(rate, 'f', -1, 64), timeout, worst, pl.MaxVUs, capSetting(ph))))
			}
		}
		switch {
		case connCap > 0 && peak > connCap:
			warns = append(warns, at(ph, i, fmt.Sprintf(
				"up to %d VUs at once, each holding at least one connection, exceed the connection cap of %d: connections past it fail as errors.conncap; lower the load or raise --max-conns (and ulimit -n)",
				peak, connCap)))
		case connCap == 0 && fdLimit > 0 && peak > fdLimit:
			warns = append(warns, at(ph, i, fmt.Sprintf(
				"up to %d VUs at once, each holding at least one connection, exceed the open-file limit of %d (ulimit -n): connections past it fail; lower the load or raise the limit",
				peak, fdLimit)))
		}
	}
	return warns
}

// at positions a warning at the i-th phase, as the scenario's own warnings
// are: "file:line:col: config.phases[i]: message".
func at(ph scenario.Phase, i int, msg string) string {
	return scenario.Problem{Pos: ph.Pos, Path: fmt.Sprintf("config.phases[%d]", i), Msg: msg}.String()
}

// peakRate is a phase's highest arrival rate per second.
func peakRate(ph scenario.Phase) float64 {
	if ph.Kind == scenario.PhaseArrivalCount {
		if ph.Duration <= 0 {
			return float64(ph.ArrivalCount)
		}
		return float64(ph.ArrivalCount) / ph.Duration.Seconds()
	}
	return max(ph.ArrivalRate, ph.RampTo)
}

// capSetting names what sets an open-model phase's VU cap.
func capSetting(ph scenario.Phase) string {
	if ph.MaxVusers > 0 {
		return "maxVusers"
	}
	return "--max-vus"
}

// connCapNote is the summary's note on dials the connection cap refused.
func connCapNote(p *engine.Program) string {
	limit, refused := p.ConnCap()
	if refused == 0 {
		return ""
	}
	return fmt.Sprintf(
		"%d connections were not opened because the connection cap of %d was reached; their requests count as errors.conncap: lower the load or raise --max-conns / config.http.maxConnections (and ulimit -n)",
		refused, limit)
}

// fdHeadroom is how many descriptors DefaultMaxConns leaves for everything
// that is not a connection to the target: standard streams, output files,
// the InfluxDB client, DNS lookups, payload files.
const fdHeadroom = 256

// DefaultMaxConns sizes the connection cap from the process's open-file
// limit: the limit less a headroom (256, or a quarter of a small limit).
// It returns 0 (no cap) for an unknown limit (0) and never less than 1.
func DefaultMaxConns(fdLimit int) int {
	if fdLimit <= 0 {
		return 0
	}
	return max(1, fdLimit-min(fdHeadroom, fdLimit/4))
}
