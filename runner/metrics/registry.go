package metrics

import "sync"

// seriesKey identifies a series in the Registry.
type seriesKey struct {
	name     string
	phase    int
	protocol string
}

// Registry assigns dense SeriesIDs. All series are registered while a run is
// compiled, before the Recorder is made: a Recorder only has accumulators for
// the series registered when it was made. A Registry is safe for concurrent
// use.
type Registry struct {
	mu     sync.Mutex
	ids    map[seriesKey]SeriesID
	series []Series
	// groupSize is config.groups.size for real-time recording (delivery.go).
	groupSize int
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{ids: make(map[seriesKey]SeriesID)}
}

// Register returns the ID of the series (name, phase, protocol), adding it
// when new. Idempotent: registering the same (name, phase, protocol) again
// returns the same ID, and the phase name given first is kept.
func (r *Registry) Register(name string, phase int, phaseName, protocol string) SeriesID {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := seriesKey{name: name, phase: phase, protocol: protocol}
	if id, ok := r.ids[k]; ok {
		return id
	}
	id := SeriesID(len(r.series))
	r.ids[k] = id
	r.series = append(r.series, Series{ID: id, Name: name, Phase: phase, PhaseName: phaseName, Protocol: protocol})
	return id
}

// Series returns a copy of every registered series, by ID.
func (r *Registry) Series() []Series {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Series, len(r.series))
	copy(out, r.series)
	return out
}

// Len returns the number of registered series.
func (r *Registry) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.series)
}
