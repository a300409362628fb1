package scenario

import (
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// Thresholds above which a plan is legal but probably a mistake: they become
// warnings, not errors.
const (
	warnArrivalRate = 5000
	warnVUs         = 20000
	warnMaxVusers   = 50000
	warnPhaseLength = 24 * time.Hour
)

// Hard upper bounds that keep arithmetic on rates and counts far from
// overflow; nothing real comes close.
const (
	maxRate  = 1e9
	maxCount = 1 << 40
)

var (
	phaseKeys     = []string{"name", "duration", "arrivalRate", "rampTo", "arrivalCount", "maxVusers", "pause", "vus"}
	phaseKindKeys = []string{"arrivalRate", "arrivalCount", "pause", "vus"}
)

// phases decodes config.phases.
func (d *decoder) phases(n *yaml.Node, path string) []Phase {
	items, ok := d.sequence(n, path)
	if !ok {
		return nil
	}
	if len(items) == 0 {
		d.errorf(n, path, "at least one phase is required")
		return nil
	}
	out := make([]Phase, 0, len(items))
	for i, item := range items {
		// A phase's name is registered even when the phase has problems, so
		// thresholds naming it do not add a second, misleading problem.
		ph, ok := d.phase(item, index(path, i), i)
		if d.phaseNames[ph.Name] {
			d.errorf(item, index(path, i), "duplicate phase name %s: phase names must be unique", quote(ph.Name))
			continue
		}
		d.phaseNames[ph.Name] = true
		if ok {
			out = append(out, ph)
		}
	}
	return out
}

// phase decodes the i-th phase.
func (d *decoder) phase(item *yaml.Node, path string, i int) (Phase, bool) {
	ph := Phase{Name: "phase " + strconv.Itoa(i+1), Pos: d.pos(item)}
	pairs, ok := d.mapping(item, path)
	if !ok {
		return ph, false
	}
	keys := map[string]pair{}
	var kinds []pair
	unknown := false
	for _, p := range pairs {
		if !contains(phaseKeys, p.key) {
			d.unknownKey(p, path, phaseKeys)
			unknown = true
			continue
		}
		keys[p.key] = p
		if contains(phaseKindKeys, p.key) {
			kinds = append(kinds, p)
		}
	}
	switch len(kinds) {
	case 0:
		// A misspelt load key has been reported with a suggestion already.
		if !unknown {
			d.errorf(item, path, "a phase needs one of `arrivalRate`, `arrivalCount`, `pause` or `vus`")
		}
		return ph, false
	case 1:
	default:
		d.errorf(kinds[1].k, join(path, kinds[1].key), "a phase has exactly one of `arrivalRate`, `arrivalCount`, `pause` or `vus`; this one has `%s` and `%s`", kinds[0].key, kinds[1].key)
		return ph, false
	}
	ok = true
	if p, has := keys["name"]; has {
		s, good := d.str(p.v, join(path, "name"))
		switch {
		case !good:
			ok = false
		case s == "":
			d.errorf(p.v, join(path, "name"), "a phase name cannot be empty")
			ok = false
		default:
			ph.Name = s
		}
	}
	kind := kinds[0]
	if kind.key == "pause" {
		ph.Kind = PhasePause
		ok = d.pausePhase(&ph, keys, path) && ok
	} else {
		dp, has := keys["duration"]
		if !has {
			d.errorf(item, path, "`duration` is required")
			ok = false
		} else if v, good := d.duration(dp.v, join(path, "duration"), false); good {
			ph.Duration = v
		} else {
			ok = false
		}
		ok = d.loadPhase(&ph, kind, keys, path) && ok
	}
	if ok {
		d.warnPhase(&ph, item, path)
	}
	return ph, ok
}

// pausePhase decodes a "pause: N" phase.
func (d *decoder) pausePhase(ph *Phase, keys map[string]pair, path string) bool {
	ok := true
	for _, k := range []string{"duration", "rampTo", "maxVusers"} {
		if p, has := keys[k]; has {
			msg := "`" + k + "` does not apply to a pause phase"
			if k == "duration" {
				msg += ": `pause` is its length"
			}
			d.errorf(p.k, join(path, k), "%s", msg)
			ok = false
		}
	}
	v, good := d.duration(keys["pause"].v, join(path, "pause"), false)
	ph.Duration = v
	return ok && good
}

// loadPhase decodes the keys of an arrivalRate, arrivalCount or vus phase.
func (d *decoder) loadPhase(ph *Phase, kind pair, keys map[string]pair, path string) bool {
	ok := true
	kp := join(path, kind.key)
	rampTo, hasRamp := keys["rampTo"]
	maxVU, hasMax := keys["maxVusers"]
	switch kind.key {
	case "arrivalRate":
		ph.Kind = PhaseArrivalRate
		v, good := d.number(kind.v, kp, 0, maxRate)
		ph.ArrivalRate, ok = v, good
		if hasRamp {
			r, good := d.number(rampTo.v, join(path, "rampTo"), 0, maxRate)
			ph.RampTo, ok = r, ok && good
		}
		if ok && ph.ArrivalRate == 0 && ph.RampTo == 0 {
			d.errorf(kind.v, kp, "an arrivalRate of 0 with no rampTo makes no load")
			ok = false
		}
	case "arrivalCount":
		ph.Kind = PhaseArrivalCount
		v, good := d.integer(kind.v, kp, 1, maxCount)
		ph.ArrivalCount, ok = int(v), good
		if hasRamp {
			d.errorf(rampTo.k, join(path, "rampTo"), "`rampTo` applies to arrivalRate and vus phases")
			ok = false
		}
	case "vus":
		ph.Kind = PhaseVUs
		v, good := d.integer(kind.v, kp, 0, maxCount)
		ph.VUs, ok = int(v), good
		if hasRamp {
			r, good := d.integer(rampTo.v, join(path, "rampTo"), 0, maxCount)
			ph.RampTo, ok = float64(r), ok && good
		}
		if ok && ph.VUs == 0 && ph.RampTo == 0 {
			d.errorf(kind.v, kp, "vus 0 with no rampTo makes no load")
			ok = false
		}
		if hasMax {
			d.errorf(maxVU.k, join(path, "maxVusers"), "`maxVusers` applies to arrival phases; a vus phase runs exactly `vus` users")
			return false
		}
	}
	if hasMax {
		v, good := d.integer(maxVU.v, join(path, "maxVusers"), 1, maxCount)
		ph.MaxVusers, ok = int(v), ok && good
	}
	return ok
}

// warnPhase warns about plans that are legal but probably mistakes.
func (d *decoder) warnPhase(ph *Phase, item *yaml.Node, path string) {
	switch ph.Kind {
	case PhaseArrivalRate:
		if r := max(ph.ArrivalRate, ph.RampTo); r > warnArrivalRate {
			d.warnf(item, path, "an arrival rate of %s/s is more than one machine usually generates (over %d/s); consider --segment", fmtFloat(r), warnArrivalRate)
		}
	case PhaseVUs:
		if v := max(float64(ph.VUs), ph.RampTo); v > warnVUs {
			d.warnf(item, path, "%s VUs is more than %d; consider --segment", fmtFloat(v), warnVUs)
		}
	}
	if ph.MaxVusers > warnMaxVusers {
		d.warnf(item, path, "maxVusers %d is more than %d", ph.MaxVusers, warnMaxVusers)
	}
	if ph.Duration > warnPhaseLength {
		d.warnf(item, path, "the phase lasts %v, more than 24 hours", ph.Duration)
	}
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
