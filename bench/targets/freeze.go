package targets

import (
	"fmt"
	"net/http"
	"time"
)

// Freeze describes a target that answers after Service, except that every
// request arriving inside the window [From, To) of each Cycle (counted from
// Start) is held until the window ends and then answered after Service.
// It models a server that stalls (a GC pause, a lock, a failover) without
// failing: the shape that coordinated omission hides.
//
// With arrivals at a constant rate over whole cycles, the fraction
// (To−From)/Cycle of requests is held, each for the rest of the window, so
// latency measured from the intended send is S with probability
// 1−f and S+U(0, To−From] otherwise (f the held fraction, S the normal
// service time as the client sees it). Theory gives its percentiles.
type Freeze struct {
	Start    time.Time
	Cycle    time.Duration
	From, To time.Duration
	Service  time.Duration
}

// DefaultFreeze is the shape: 1 ms answers, frozen for [2 s, 3 s)
// of every 5 s.
func DefaultFreeze(start time.Time) Freeze {
	return Freeze{Start: start, Cycle: 5 * time.Second, From: 2 * time.Second, To: 3 * time.Second, Service: time.Millisecond}
}

// Validate checks that the window lies inside the cycle.
func (f Freeze) Validate() error {
	if f.Cycle <= 0 || f.From < 0 || f.To <= f.From || f.To > f.Cycle || f.Service < 0 {
		return fmt.Errorf("freeze: want 0 <= from < to <= cycle, cycle > 0 and service >= 0; got cycle %v, window [%v, %v), service %v",
			f.Cycle, f.From, f.To, f.Service)
	}
	return nil
}

// Hold returns how long a request arriving at t is held before its normal
// service time begins: the rest of the window when t falls inside one, else 0.
func (f Freeze) Hold(t time.Time) time.Duration {
	pos := t.Sub(f.Start) % f.Cycle
	if pos < 0 {
		pos += f.Cycle
	}
	if pos >= f.From && pos < f.To {
		return f.To - pos
	}
	return 0
}

// Handler answers like Hello after Hold and then Service, both computed
// from the request's arrival.
func (f Freeze) Handler() http.Handler {
	hello := Hello()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		if !sleepCtx(r.Context(), f.Hold(now)+f.Service) {
			return
		}
		hello.ServeHTTP(w, r)
	})
}

// FreezeTheory returns the theoretical quantile q (0..100) of the latency
// measured from the intended send under f's shape, for a constant arrival
// rate over whole cycles and normal service time s: s below the held
// fraction's threshold, else s plus the matching share of the window.
func FreezeTheory(f Freeze, s time.Duration, q float64) time.Duration {
	w := f.To - f.From
	held := float64(w) / float64(f.Cycle) // fraction of arrivals held
	free := 1 - held
	p := q / 100
	if p <= free {
		return s
	}
	// Held arrivals wait U(0, w]: the share (p−free)/held of them wait less.
	return s + time.Duration((p-free)/held*float64(w))
}
