package metrics

import (
	"sync"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// statusSlots sizes the per-series status array: index c counts status c
// for 1 <= c <= 599, index StatusOutOfRange counts every other non-zero
// code, and index 0 is unused (status 0 means there was no response).
const statusSlots = StatusOutOfRange + 1

// statusSlot returns the status array index for code, or 0 for "no response".
func statusSlot(code int) int {
	switch {
	case code == 0:
		return 0
	case code > 0 && code < StatusOutOfRange:
		return code
	}
	return StatusOutOfRange
}

// Recorder holds one Shard per slot; VUs record into their own shard so they
// never contend on one lock.
//
// Memory: a latency histogram with the package's geometry takes about 184 KiB.
// A shard attaches histograms to a series lazily, on its first sample, and
// releases them to a per-shard free list when the series had no sample for a
// whole interval, so memory follows the series active at once (in practice
// the current phase's), not every registered series. Size the shard count to
// the parallelism (a small multiple of GOMAXPROCS), not to the VU count.
type Recorder struct {
	shards []*Shard
	series []Series
}

// NewRecorder makes a recorder for every series registered in reg so far,
// with shards shards (at least one).
func NewRecorder(reg *Registry, shards int) *Recorder {
	shards = max(shards, 1)
	series := reg.Series()
	r := &Recorder{shards: make([]*Shard, shards), series: series}
	rt := newRTShared(reg)
	for i := range r.shards {
		r.shards[i] = &Shard{cur: newAccSet(len(series)), spare: newAccSet(len(series)), rt: newRT(rt)}
	}
	return r
}

// Shard returns shard i modulo the shard count (negative i included).
func (r *Recorder) Shard(i int) *Shard {
	n := len(r.shards)
	return r.shards[(i%n+n)%n]
}

// NumShards returns the number of shards.
func (r *Recorder) NumShards() int { return len(r.shards) }

// Series returns a copy of the series the recorder was made for, by ID.
func (r *Recorder) Series() []Series {
	out := make([]Series, len(r.series))
	copy(out, r.series)
	return out
}

// Shard is one lock-protected set of per-series accumulators. It keeps two
// sets: Record updates the current one; the Aggregator swaps them under the
// lock and drains the swapped-out set without holding it.
type Shard struct {
	mu    sync.Mutex
	cur   *accSet
	spare *accSet
	// rt records real-time counters and timings (realtime.go).
	rt *RT
	// pad keeps two shards' locks off one cache line.
	_ [64]byte
}

// Record adds one sample. It never allocates in steady state and holds the
// shard's lock only for the update: the first sample of a series in one of
// the shard's two accumulator sets takes a released histogram from the set's
// free list, and allocates only when that list is empty (the first time a
// series is used, or when more series are active at once than before). The
// first sample with a distinct intended start in an interval also copies the
// series' latency histogram into its intended one, once.
//
// id must come from the Registry the Recorder was made from; an ID
// registered after NewRecorder is a programming error and panics.
func (s *Shard) Record(id SeriesID, smp *Sample) {
	lat, clampedLat := micros(smp.Latency)
	in, clampedIn := lat, clampedLat
	distinct := smp.Intended != 0
	if distinct {
		in, clampedIn = micros(smp.Intended)
	}
	kind := smp.Err
	if kind >= NumErrorKinds {
		kind = ErrOther
	}
	slot := statusSlot(smp.Status)

	s.mu.Lock()
	set := s.cur
	a := &set.acc[id]
	if a.count == 0 {
		// Within capacity: touched never holds an ID twice.
		set.touched = append(set.touched, id)
		if a.h == nil {
			a.h = set.take()
		}
	}
	a.count++
	if kind != ErrNone {
		a.errors++
		a.byKind[kind]++
	}
	a.bytesIn += smp.BytesIn
	a.bytesOut += smp.BytesOut
	if clampedLat || clampedIn {
		a.clamped++
	}
	h := a.h
	h.status[slot]++
	if distinct && !h.distinct {
		// Before recording into lat: the copy must hold only earlier samples.
		h.diverge()
	}
	// Values are clamped into range, so these cannot fail (and allocate).
	_ = h.lat.RecordValue(lat)
	if h.distinct {
		_ = h.intended.RecordValue(in)
	}
	s.mu.Unlock()
}

// swap exchanges the current and spare sets and returns the one that was
// current; the caller owns it until the next swap.
func (s *Shard) swap() *accSet {
	s.mu.Lock()
	old := s.cur
	s.cur, s.spare = s.spare, old
	s.mu.Unlock()
	return old
}

// acc accumulates one series in one accumulator set. The fields used by every
// sample are inline; the large ones live in h, attached on the first sample.
type acc struct {
	count    int64
	errors   int64
	byKind   [NumErrorKinds]int64
	bytesIn  int64
	bytesOut int64
	clamped  int64
	// h is non-nil whenever count > 0.
	h *accHists
}

// accHists is the large, reusable part of an accumulator.
type accHists struct {
	status [statusSlots]int64
	lat    *hdrhistogram.Histogram
	// intended is valid only when distinct; until a sample with a distinct
	// intended start arrives, the intended view is lat. It stays allocated
	// across resets for reuse.
	intended *hdrhistogram.Histogram
	distinct bool
}

// diverge starts a separate intended histogram holding everything recorded
// into lat so far (whose intended latency equalled its latency).
func (h *accHists) diverge() {
	if h.intended == nil {
		h.intended = NewHistogram()
	}
	h.intended.Merge(h.lat)
	h.distinct = true
}

// reset empties h for reuse.
func (h *accHists) reset() {
	h.status = [statusSlots]int64{}
	h.lat.Reset()
	if h.distinct {
		h.intended.Reset()
		h.distinct = false
	}
}

// accSet is one set of accumulators of a shard, indexed by SeriesID.
type accSet struct {
	acc []acc
	// touched lists the series with count > 0, in first-sample order; its
	// capacity is len(acc), so appending never allocates.
	touched []SeriesID
	// free holds released histograms for reuse; capacity len(acc).
	free []*accHists
}

func newAccSet(n int) *accSet {
	return &accSet{
		acc:     make([]acc, n),
		touched: make([]SeriesID, 0, n),
		free:    make([]*accHists, 0, n),
	}
}

// take returns released histograms or new ones.
func (set *accSet) take() *accHists {
	if n := len(set.free); n > 0 {
		h := set.free[n-1]
		set.free[n-1] = nil
		set.free = set.free[:n-1]
		return h
	}
	return &accHists{lat: NewHistogram()}
}

// drain calls fn for every series with samples, in first-sample order, then
// resets the set for reuse. Histograms of series that had no sample in the
// interval go back to the free list. The caller must own the set.
func (set *accSet) drain(fn func(id SeriesID, a *acc)) {
	for i := range set.acc {
		a := &set.acc[i]
		if a.count == 0 && a.h != nil {
			set.free = append(set.free, a.h)
			a.h = nil
		}
	}
	for _, id := range set.touched {
		a := &set.acc[id]
		fn(id, a)
		h := a.h
		h.reset()
		*a = acc{h: h}
	}
	set.touched = set.touched[:0]
}

// addTo merges a into st.
func (a *acc) addTo(st *Stats) {
	st.Count += a.count
	st.Errors += a.errors
	for k, n := range a.byKind {
		st.ErrorsByKind[k] += n
	}
	st.BytesIn += a.bytesIn
	st.BytesOut += a.bytesOut
	st.Clamped += a.clamped
	for code := 1; code < statusSlots; code++ {
		if n := a.h.status[code]; n != 0 {
			if st.Status == nil {
				st.Status = make(map[int]int64)
			}
			st.Status[code] += n
		}
	}
	var in *hdrhistogram.Histogram
	if a.h.distinct {
		in = a.h.intended
	}
	mergeHists(&st.Latency, &st.Intended, a.h.lat, in)
}
