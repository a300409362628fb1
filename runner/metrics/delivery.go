package metrics

import (
	"slices"
	"sync"
	"sync/atomic"
)

// Groups is the run-wide table of VU groups (config.groups): how many VUs
// joined each group, and how many of them are listening (have a delivery
// subscription open) right now. Expected deliveries are counted against the
// listeners at send time. Reads and updates are lock-free; only growing the
// table takes a lock.
type Groups struct {
	size   int
	mu     sync.Mutex
	chunks [groupChunks]atomic.Pointer[groupChunk]
	// n is one more than the highest group index joined.
	n atomic.Int64
}

const (
	groupChunkSize = 1024
	groupChunks    = 4096 // 4M groups
)

type groupChunk [groupChunkSize]groupState

type groupState struct {
	members   atomic.Int32
	listening atomic.Int32
}

// NewGroups returns a table for groups of size (> 0).
func NewGroups(size int) *Groups { return &Groups{size: size} }

// Size returns the configured group size.
func (g *Groups) Size() int {
	if g == nil {
		return 0
	}
	return g.size
}

// state returns group i's state, growing the table when needed; nil when i
// is out of range.
func (g *Groups) state(i int64) *groupState {
	if g == nil || i < 0 || i >= groupChunks*groupChunkSize {
		return nil
	}
	c := g.chunks[i/groupChunkSize].Load()
	if c == nil {
		g.mu.Lock()
		if c = g.chunks[i/groupChunkSize].Load(); c == nil {
			c = new(groupChunk)
			g.chunks[i/groupChunkSize].Store(c)
		}
		g.mu.Unlock()
	}
	return &c[i%groupChunkSize]
}

// Join counts one VU joining group i.
func (g *Groups) Join(i int64) {
	if st := g.state(i); st != nil {
		st.members.Add(1)
		for {
			n := g.n.Load()
			if i < n || g.n.CompareAndSwap(n, i+1) {
				return
			}
		}
	}
}

// Listen adds delta (+1 or −1) to group i's listeners.
func (g *Groups) Listen(i int64, delta int32) {
	if st := g.state(i); st != nil {
		st.listening.Add(delta)
	}
}

// Listening returns how many members of group i are listening now.
func (g *Groups) Listening(i int64) int64 {
	if st := g.state(i); st != nil {
		return int64(st.listening.Load())
	}
	return 0
}

// GroupStats describes the groups of a run.
type GroupStats struct {
	// Size is the configured size; Count how many groups had members.
	Size  int
	Count int64
	// Sizes counts groups by their real size, ascending by size.
	Sizes []GroupSize
}

// GroupSize is how many groups had Members members.
type GroupSize struct {
	Members int
	Groups  int64
}

// Stats returns the real group sizes (nil for a nil table).
func (g *Groups) Stats() *GroupStats {
	if g == nil {
		return nil
	}
	out := &GroupStats{Size: g.size}
	counts := map[int]int64{}
	for i := range g.n.Load() {
		st := g.state(i)
		if m := int(st.members.Load()); m > 0 {
			counts[m]++
			out.Count++
		}
	}
	for m, n := range counts {
		out.Sizes = append(out.Sizes, GroupSize{Members: m, Groups: n})
	}
	slices.SortFunc(out.Sizes, func(a, b GroupSize) int { return a.Members - b.Members })
	return out
}

// SetGroupSize makes Recorders made from r keep a group table for groups of
// size (config.groups.size); 0 means no groups. Call it before NewRecorder.
func (r *Registry) SetGroupSize(size int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.groupSize = size
}

// newRTShared makes the run-wide real-time state for reg.
func newRTShared(reg *Registry) *rtShared {
	reg.mu.Lock()
	size := reg.groupSize
	reg.mu.Unlock()
	sh := &rtShared{}
	if size > 0 {
		sh.groups = NewGroups(size)
	}
	return sh
}

// RT returns the shard's real-time recorder.
func (s *Shard) RT() *RT {
	if s == nil {
		return nil
	}
	return s.rt
}
