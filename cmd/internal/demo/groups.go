package demo

import (
	"errors"
	"sync"
)

// entry is one published message. It is immutable once published and
// shared by every consumer (no copy per receiver).
type entry struct {
	seq    int64  // the group's (or user's) sequence number, from 1
	sender string // user id of the sender; "" for notifications
	event  string // SSE event name
	data   []byte // the message, verbatim
	isJSON bool   // data is valid JSON (poll answers embed only these)
}

// subscriber is a push consumer (a WebSocket or an SSE stream) with its
// bounded queue.
type subscriber struct {
	user string
	out  chan *entry
}

func newSubscriber(user string) *subscriber {
	return &subscriber{user: user, out: make(chan *entry, sendBuffer)}
}

// waiter is a held long poll; wake has room for one signal so a publisher
// never blocks on it.
type waiter struct {
	user string
	wake chan struct{}
}

// group is one fan-out domain: a location group, or one user's
// notifications. Its log is a ring of the last len(log) entries.
type group struct {
	mu      sync.Mutex
	seq     int64
	log     []*entry
	head, n int // ring: oldest at head, n entries
	subs    map[*subscriber]struct{}
	waiters map[*waiter]struct{}
	refs    int // handlers using the group; guarded by the groupSet's lock
}

func newGroup(logSize int) *group {
	return &group{log: make([]*entry, logSize), subs: map[*subscriber]struct{}{}, waiters: map[*waiter]struct{}{}}
}

// publish appends a message and fans it out to every subscriber except its
// origin (the sending connection) or, without an origin, except the
// subscribers of the sending user. Fan-out never blocks: a full queue drops
// the message for that subscriber and counts it.
func (g *group) publish(st *rtStats, sender string, origin *subscriber, event string, data []byte, isJSON bool) int64 {
	st.messagesIn.Add(1)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.seq++
	e := &entry{seq: g.seq, sender: sender, event: event, data: data, isJSON: isJSON}
	if g.n < len(g.log) {
		g.log[(g.head+g.n)%len(g.log)] = e
		g.n++
	} else {
		g.log[g.head] = e
		g.head = (g.head + 1) % len(g.log)
	}
	for s := range g.subs {
		if s == origin || (origin == nil && sender != "" && s.user == sender) {
			continue
		}
		select {
		case s.out <- e:
			st.deliveries.Add(1)
		default:
			st.drops.Add(1)
		}
	}
	for w := range g.waiters {
		if sender == "" || w.user != sender {
			select {
			case w.wake <- struct{}{}:
			default:
			}
		}
	}
	return e.seq
}

// sinceLocked returns the logged entries with seq > after not sent by
// except ("" excludes nobody), oldest first; onlyJSON keeps only JSON ones.
// Entries older than the log are gone. g.mu must be held.
func (g *group) sinceLocked(after int64, except string, onlyJSON bool) []*entry {
	oldest := g.seq - int64(g.n) + 1
	skip := 0
	if after >= oldest {
		skip = int(after - oldest + 1)
	}
	var out []*entry
	for i := skip; i < g.n; i++ {
		e := g.log[(g.head+i)%len(g.log)]
		if (except != "" && e.sender == except) || (onlyJSON && !e.isJSON) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// join subscribes s; with resume, it also returns what s missed after
// lastID, taken under the same lock so nothing is lost or doubled between
// the replay and the live queue.
func (g *group) join(s *subscriber, resume bool, lastID int64) []*entry {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.subs[s] = struct{}{}
	if !resume {
		return nil
	}
	return g.sinceLocked(lastID, s.user, false)
}

func (g *group) leave(s *subscriber) {
	g.mu.Lock()
	delete(g.subs, s)
	g.mu.Unlock()
}

// groupSet holds groups by id, at most max of them: past the cap, an idle
// group (no handler using it) is evicted, and counted.
type groupSet struct {
	mu      sync.Mutex
	m       map[string]*group
	max     int
	logSize int
	stats   *rtStats
}

func newGroupSet(max, logSize int, st *rtStats) *groupSet {
	return &groupSet{m: map[string]*group{}, max: max, logSize: logSize, stats: st}
}

// errTooManyGroups is returned when the cap is reached and no group is idle.
var errTooManyGroups = errors.New("too many groups in use")

// acquire returns the group id, creating it if needed; release it when
// done so it may be evicted.
func (gs *groupSet) acquire(id string) (*group, error) {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	g, ok := gs.m[id]
	if !ok {
		if len(gs.m) >= gs.max && !gs.evictIdleLocked() {
			return nil, errTooManyGroups
		}
		g = newGroup(gs.logSize)
		gs.m[id] = g
	}
	g.refs++
	return g, nil
}

func (gs *groupSet) release(g *group) {
	gs.mu.Lock()
	g.refs--
	gs.mu.Unlock()
}

// evictIdleLocked drops one group no handler uses (map order: arbitrary).
func (gs *groupSet) evictIdleLocked() bool {
	for id, g := range gs.m {
		if g.refs == 0 {
			delete(gs.m, id)
			gs.stats.evicted.Add(1)
			return true
		}
	}
	return false
}

func (gs *groupSet) len() int {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	return len(gs.m)
}
