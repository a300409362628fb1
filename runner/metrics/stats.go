package metrics

import (
	"math"
	"slices"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// MaxTrackable is the largest latency a histogram tracks; larger values are
// clamped to it and counted.
const MaxTrackable = time.Hour

// Histogram geometry shared by every histogram of the package, so that any
// two of them merge exactly.
const (
	// histLowest is the lowest discernible value, in microseconds.
	histLowest = 1
	// histHighest is MaxTrackable in microseconds.
	histHighest = int64(MaxTrackable / time.Microsecond)
	// histSigFigs keeps values within 0.1% of what was recorded.
	histSigFigs = 3
)

// StatusOutOfRange is the Stats.Status key under which responses with a
// status code outside 1..599 are counted. Status 0 ("no response") is not a
// response and is not counted in Stats.Status at all.
const StatusOutOfRange = 600

// NewHistogram returns an empty latency histogram with the package's
// geometry: microseconds, 1 µs to MaxTrackable, 3 significant figures. Any
// histogram passed to Stats or Corrected should be made by it.
func NewHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(histLowest, histHighest, histSigFigs)
}

// micros converts d to the histogram's unit. Sub-microsecond durations
// (including zero, and negative ones a monotonic clock cannot produce) record
// as 1 µs, the lowest discernible value: every action takes some time. The
// second result reports whether d was above MaxTrackable and was clamped.
func micros(d time.Duration) (int64, bool) {
	us := int64(d / time.Microsecond)
	switch {
	case us < histLowest:
		return histLowest, false
	case us > histHighest:
		return histHighest, true
	}
	return us, false
}

// fromMicros converts a histogram value back to a Duration.
func fromMicros(us int64) time.Duration { return time.Duration(us) * time.Microsecond }

// NewStats returns empty Stats with allocated histograms. Latency and
// Intended are distinct histograms.
func NewStats() Stats {
	return Stats{Latency: NewHistogram(), Intended: NewHistogram()}
}

// intendedShared reports whether s's Intended view is its Latency histogram.
// Snapshots and summaries share one histogram for both when no sample had an
// intended start distinct from its actual start (every closed-model series),
// which halves their memory. A nil Intended is read the same way.
func (s *Stats) intendedShared() bool {
	return s.Intended == nil || s.Intended == s.Latency
}

// Merge adds o into s. It handles Stats whose Intended is shared with their
// Latency (see Stats.Intended) on either side, and allocates s's histograms
// when they are nil. Histograms must have the package's geometry, so merging
// is exact: the percentiles of a merge are those of all the values.
func (s *Stats) Merge(o *Stats) {
	s.Count += o.Count
	s.Errors += o.Errors
	for k := range s.ErrorsByKind {
		s.ErrorsByKind[k] += o.ErrorsByKind[k]
	}
	if len(o.Status) > 0 && s.Status == nil {
		s.Status = make(map[int]int64, len(o.Status))
	}
	for code, n := range o.Status {
		s.Status[code] += n
	}
	s.BytesIn += o.BytesIn
	s.BytesOut += o.BytesOut
	s.Clamped += o.Clamped
	mergeHists(&s.Latency, &s.Intended, o.Latency, o.Intended)
}

// mergeHists merges the latency/intended pair (oLat, oInt) into (*lat, *in),
// where a nil or identical intended histogram means "same as latency".
func mergeHists(lat, in **hdrhistogram.Histogram, oLat, oInt *hdrhistogram.Histogram) {
	if *lat == nil {
		*lat = NewHistogram()
	}
	if *in == nil {
		*in = *lat
	}
	if oLat == nil {
		return
	}
	oShared := oInt == nil || oInt == oLat
	dstShared := *in == *lat
	if dstShared && !oShared {
		// The destination's intended view must diverge now: it starts as a
		// copy of everything merged so far, which had intended == latency.
		*in = (*lat).Clone()
		dstShared = false
	}
	(*lat).Merge(oLat)
	if dstShared {
		return
	}
	if oShared {
		(*in).Merge(oLat)
	} else {
		(*in).Merge(oInt)
	}
}

// Clone returns a deep copy of s whose histograms and status map are
// independent of s's. A shared Intended stays shared in the copy.
func (s *Stats) Clone() Stats {
	c := *s
	c.Status = nil
	if len(s.Status) > 0 {
		c.Status = make(map[int]int64, len(s.Status))
		for code, n := range s.Status {
			c.Status[code] = n
		}
	}
	if s.Latency != nil {
		c.Latency = s.Latency.Clone()
	}
	switch {
	case s.intendedShared():
		c.Intended = c.Latency
	default:
		c.Intended = s.Intended.Clone()
	}
	return c
}

// Percentile returns the q-th percentile (0..100) of Latency: the highest
// value equivalent (within the histogram's precision) to the value below which
// q percent of the samples fall. It is 0 when there are no samples.
func (s *Stats) Percentile(q float64) time.Duration {
	return histPercentile(s.Latency, q)
}

// IntendedPercentile returns the q-th percentile of Intended.
func (s *Stats) IntendedPercentile(q float64) time.Duration {
	return histPercentile(s.intended(), q)
}

func histPercentile(h *hdrhistogram.Histogram, q float64) time.Duration {
	if h == nil || h.TotalCount() == 0 {
		return 0
	}
	return fromMicros(h.ValueAtPercentile(q))
}

// intended returns the Intended view, falling back to Latency when it is nil.
func (s *Stats) intended() *hdrhistogram.Histogram {
	if s.Intended == nil {
		return s.Latency
	}
	return s.Intended
}

// Min returns the smallest latency (the lowest value equivalent to it), 0
// when there are no samples.
func (s *Stats) Min() time.Duration { return histMin(s.Latency) }

// Max returns the largest latency (the highest value equivalent to it), 0
// when there are no samples.
func (s *Stats) Max() time.Duration { return histMax(s.Latency) }

// Mean returns the mean latency, 0 when there are no samples.
func (s *Stats) Mean() time.Duration { return histMean(s.Latency) }

// StdDev returns the standard deviation of the latency.
func (s *Stats) StdDev() time.Duration {
	if s.Latency == nil || s.Latency.TotalCount() == 0 {
		return 0
	}
	return time.Duration(math.Round(s.Latency.StdDev() * float64(time.Microsecond)))
}

// IntendedMin returns the smallest latency measured from the intended start.
func (s *Stats) IntendedMin() time.Duration { return histMin(s.intended()) }

// IntendedMax returns the largest latency measured from the intended start.
func (s *Stats) IntendedMax() time.Duration { return histMax(s.intended()) }

// IntendedMean returns the mean latency measured from the intended start.
func (s *Stats) IntendedMean() time.Duration { return histMean(s.intended()) }

func histMin(h *hdrhistogram.Histogram) time.Duration {
	if h == nil || h.TotalCount() == 0 {
		return 0
	}
	return fromMicros(h.Min())
}

func histMax(h *hdrhistogram.Histogram) time.Duration {
	if h == nil || h.TotalCount() == 0 {
		return 0
	}
	return fromMicros(h.Max())
}

func histMean(h *hdrhistogram.Histogram) time.Duration {
	if h == nil || h.TotalCount() == 0 {
		return 0
	}
	return time.Duration(math.Round(h.Mean() * float64(time.Microsecond)))
}

// ErrorRate returns Errors/Count in percent (0 when Count is 0).
func (s *Stats) ErrorRate() float64 {
	if s.Count == 0 {
		return 0
	}
	return 100 * float64(s.Errors) / float64(s.Count)
}

// Rate returns Count per second over d (0 when d is not positive).
func (s *Stats) Rate(d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(s.Count) / d.Seconds()
}

// StatusCodes returns the status codes present in Status, ascending.
func (s *Stats) StatusCodes() []int {
	codes := make([]int, 0, len(s.Status))
	for code, n := range s.Status {
		if n != 0 {
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	return codes
}
