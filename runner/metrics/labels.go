package metrics

import (
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// MaxDeliveryLabels bounds the distinct delivery labels of a run, so that a
// label path that picks a unique value per message (an id) cannot grow
// memory without bound: once MaxDeliveryLabels−1 labels are known, every
// new one is counted under OtherLabel.
const MaxDeliveryLabels = 64

// OtherLabel is the label of deliveries whose own label came after the
// table was full.
const OtherLabel = "(other)"

// NoLabel is the label of a delivery whose message had no label value.
const NoLabel = "(none)"

// Labels is the run-wide table of delivery labels (delivery.label): label
// text → a dense index into RTStats.ByLabel. Receivers cache the indexes
// they have seen, so the table's lock is taken once per new label per
// receiver, not per message.
type Labels struct {
	mu    sync.Mutex
	names []string
}

// Index returns the index of label, adding it when new (see
// MaxDeliveryLabels). A nil table returns 0.
func (l *Labels) Index(label []byte) int {
	if l == nil {
		return 0
	}
	if len(label) == 0 {
		label = []byte(NoLabel)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, n := range l.names {
		if n == string(label) {
			return i
		}
	}
	switch len(l.names) {
	case MaxDeliveryLabels:
		return MaxDeliveryLabels - 1
	case MaxDeliveryLabels - 1:
		l.names = append(l.names, OtherLabel)
	default:
		l.names = append(l.names, string(label))
	}
	return len(l.names) - 1
}

// Names returns the labels by index.
func (l *Labels) Names() []string {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.names...)
}

// Labels returns the run's delivery label table (nil for a nil RT).
func (r *RT) Labels() *Labels {
	if r == nil {
		return nil
	}
	return &r.shared.labels
}

// TimeLabel records one delivery latency with label index label: into
// TimingDelivery and into that label's histogram.
func (r *RT) TimeLabel(label int, d time.Duration) {
	if r == nil || label < 0 || label >= MaxDeliveryLabels {
		return
	}
	us, _ := micros(d)
	r.mu.Lock()
	h := r.cur.Timings[TimingDelivery]
	if h == nil {
		h = NewHistogram()
		r.cur.Timings[TimingDelivery] = h
	}
	_ = h.RecordValue(us) // clamped into range: cannot fail
	for len(r.cur.ByLabel) <= label {
		r.cur.ByLabel = append(r.cur.ByLabel, nil)
	}
	if h = r.cur.ByLabel[label]; h == nil {
		h = NewHistogram()
		r.cur.ByLabel[label] = h
	}
	_ = h.RecordValue(us)
	r.mu.Unlock()
}

// LabelTiming is the delivery latency of one label.
type LabelTiming struct {
	Label string
	// Latency is in microseconds; readers must not modify it.
	Latency *hdrhistogram.Histogram
}

// DeliveryByLabel returns the delivery latency per label, in label order
// (first seen first), skipping labels without deliveries. It needs
// LabelNames (Summary only).
func (s *RTStats) DeliveryByLabel() []LabelTiming {
	var out []LabelTiming
	for i, h := range s.ByLabel {
		if h == nil || h.TotalCount() == 0 || i >= len(s.LabelNames) {
			continue
		}
		out = append(out, LabelTiming{Label: s.LabelNames[i], Latency: h})
	}
	return out
}

// LabelLatency returns the delivery latency histogram of label (nil when
// it had no deliveries).
func (s *RTStats) LabelLatency(label string) *hdrhistogram.Histogram {
	for i, n := range s.LabelNames {
		if n == label && i < len(s.ByLabel) {
			if h := s.ByLabel[i]; h != nil && h.TotalCount() > 0 {
				return h
			}
			return nil
		}
	}
	return nil
}

// mergeLabels adds o's per-label histograms into s's.
func (s *RTStats) mergeLabels(o *RTStats) {
	for i, h := range o.ByLabel {
		if h == nil || h.TotalCount() == 0 {
			continue
		}
		for len(s.ByLabel) <= i {
			s.ByLabel = append(s.ByLabel, nil)
		}
		if s.ByLabel[i] == nil {
			s.ByLabel[i] = NewHistogram()
		}
		s.ByLabel[i].Merge(h)
	}
}
