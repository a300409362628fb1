package runner

import (
	"math"
	"math/bits"
	"time"
)

// A pacer says when the arrivals of one open-model phase are due. It is a
// pure function of n, so it is tested without a clock and the scheduler
// never accumulates drift: arrival n is due at phase start + due(n) however
// late earlier arrivals were started.
type pacer interface {
	// due returns the offset from the phase's start at which arrival n
	// (0-based) is due. ok is false when arrival n is not part of the phase:
	// its offset would be ≥ the phase's duration, or the rate never gets
	// there. due is non-decreasing in n, and once ok is false it stays false.
	due(n int64) (offset time.Duration, ok bool)
}

var (
	_ pacer = constantPacer{}
	_ pacer = linearPacer{}
	_ pacer = countPacer{}
)

// constantPacer is a constant rate of Rate arrivals per second for Duration:
// arrival n is due at n/Rate seconds, so the phase has ⌈Rate·Duration⌉
// arrivals (those with an offset < Duration).
type constantPacer struct {
	Rate     float64 // arrivals per second
	Duration time.Duration
}

func (p constantPacer) due(n int64) (time.Duration, bool) {
	if p.Rate <= 0 || n < 0 {
		return 0, false
	}
	return cut(float64(n)/p.Rate, p.Duration)
}

// linearPacer ramps the rate linearly from From to To arrivals per second
// over Duration D. The expected number of arrivals by time t is
//
//	N(t) = From·t + (To−From)·t²/(2D)
//
// and arrival n is due at the first t with N(t) = n. With k = (To−From)/(2D)
// that is the smaller root of k·t² + From·t − n = 0, computed in the form
//
//	t = 2n / (From + √(From² + 4kn))
//
// which is exact for k = 0 (t = n/From), has no 0/0 for From = 0 (t = √(n/k))
// and picks the first crossing when ramping down (k < 0). When ramping down
// the discriminant turns negative past the rate's peak count: those arrivals
// never come. The phase has about ⌈(From+To)·D/2⌉ arrivals.
type linearPacer struct {
	From, To float64 // arrivals per second at the start and at the end
	Duration time.Duration
}

func (p linearPacer) due(n int64) (time.Duration, bool) {
	if n < 0 || p.Duration <= 0 {
		return 0, false
	}
	if n == 0 {
		// N(0) = 0: the first arrival opens the phase whatever the rates,
		// unless there is no load at all.
		return 0, p.From > 0 || p.To > 0
	}
	a := p.From
	k := (p.To - p.From) / (2 * p.Duration.Seconds())
	disc := a*a + 4*k*float64(n)
	if disc < 0 {
		return 0, false
	}
	den := a + math.Sqrt(disc)
	if den <= 0 {
		return 0, false
	}
	return cut(2*float64(n)/den, p.Duration)
}

// countPacer spreads Count arrivals evenly over Duration: arrival n is due
// at n·Duration/Count, computed exactly in 128-bit integer arithmetic, so
// the phase has exactly Count arrivals.
type countPacer struct {
	Count    int64
	Duration time.Duration
}

func (p countPacer) due(n int64) (time.Duration, bool) {
	if n < 0 || n >= p.Count || p.Duration < 0 {
		return 0, false
	}
	// n < Count, so n·D/Count < D fits in 64 bits and Div64 cannot overflow.
	hi, lo := bits.Mul64(uint64(n), uint64(p.Duration))
	q, _ := bits.Div64(hi, lo, uint64(p.Count))
	return time.Duration(q), true
}

// cut converts an offset in seconds to a Duration rounded to the nearest
// nanosecond, so that offsets that are exactly the phase's end in real
// arithmetic compare equal to it, and reports whether it is inside the phase.
func cut(sec float64, d time.Duration) (time.Duration, bool) {
	ns := math.Round(sec * 1e9)
	if math.IsNaN(ns) || ns >= float64(d) {
		return 0, false
	}
	return time.Duration(ns), true
}

// arrivals returns how many arrivals p has in total: the smallest n with
// due(n) not ok, found by exponential then binary search (due is monotone),
// so plans of millions of arrivals cost a few dozen evaluations.
func arrivals(p pacer) int64 {
	ok := func(n int64) bool { _, in := p.due(n); return in }
	if !ok(0) {
		return 0
	}
	lo, hi := int64(0), int64(1) // invariant: ok(lo), !ok(hi) once found
	for ok(hi) {
		lo = hi
		if hi > math.MaxInt64/2 {
			return hi
		}
		hi *= 2
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if ok(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}
