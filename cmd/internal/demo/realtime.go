package demo

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The real-time part of the demo target: location sharing over five
// transports (raw WebSocket, STOMP over WebSocket, SSE + POST, short polling,
// long polling) and per-user notifications over SSE.
//
// Invariants every transport keeps:
//   - A location message is forwarded verbatim, byte for byte: the server
//     parses only what it needs for routing and never re-encodes a message.
//   - Everything is bounded: per-group and per-user logs are rings, the
//     number of groups is capped, and every push consumer has a bounded
//     send buffer. A publisher never blocks on a slow consumer: when the
//     consumer's buffer is full the message is dropped for that consumer and
//     counted (GET /stats, "realtime.drops").
//   - Close leaves nothing behind: every long-lived handler enters the
//     realtime WaitGroup, watches rt.done, and owns the goroutines it starts.

// transport indexes the per-transport connection gauges.
type transport int

const (
	transportWS transport = iota
	transportSTOMP
	transportSSE
	transportNotifications
	transportLongPoll
	nTransports
)

var transportNames = [nTransports]string{"ws", "stomp", "sse", "notifications", "longpoll"}

const (
	// locationLogSize is how many messages per group are kept for
	// Last-Event-ID replay and polling.
	locationLogSize = 1000
	// notificationLogSize is how many notifications per user are kept for
	// Last-Event-ID replay.
	notificationLogSize = 500
	// maxGroups caps the location groups (and, separately, the notification
	// users) held in memory; idle ones are evicted past it.
	maxGroups = 10000
	// sendBuffer is each push consumer's bounded queue, in messages.
	sendBuffer = 256
	// maxMessage bounds one location message or notification, in bytes.
	maxMessage = 64 << 10
	// maxID bounds group and user ids, in bytes.
	maxID = 128
	// writeWait bounds one write to a client; a client that does not read
	// for this long is cut.
	writeWait = 10 * time.Second
	// maxFaultDelay bounds the ?delay= test switch.
	maxFaultDelay = 10 * time.Second
)

// rtStats are the realtime counters served under "realtime" by GET /stats.
type rtStats struct {
	open       [nTransports]atomic.Int64 // currently open, by transport
	opened     [nTransports]atomic.Int64 // opened since start, by transport
	messagesIn atomic.Int64              // messages published by clients
	deliveries atomic.Int64              // messages handed to a consumer
	drops      atomic.Int64              // messages dropped: consumer buffer full
	replayed   atomic.Int64              // messages replayed after Last-Event-ID
	polls      atomic.Int64              // short and long poll answers
	stompErrs  atomic.Int64              // STOMP ERROR frames sent
	evicted    atomic.Int64              // idle groups evicted at the cap
}

// connOpened counts a connection of transport t; the returned func counts
// its end.
func (st *rtStats) connOpened(t transport) func() {
	st.open[t].Add(1)
	st.opened[t].Add(1)
	return func() { st.open[t].Add(-1) }
}

// rtStatsJSON is the wire form of rtStats.
type rtStatsJSON struct {
	Connections      map[string]int64 `json:"connections"`
	ConnectionsTotal map[string]int64 `json:"connections_total"`
	MessagesIn       int64            `json:"messages_in"`
	Deliveries       int64            `json:"deliveries"`
	Drops            int64            `json:"drops"`
	Replayed         int64            `json:"replayed"`
	Polls            int64            `json:"polls"`
	StompErrors      int64            `json:"stomp_errors"`
	Groups           int              `json:"groups"`
	GroupsEvicted    int64            `json:"groups_evicted"`
}

// realtime is the state of the real-time endpoints and their lifecycle.
type realtime struct {
	stats     rtStats
	locations *groupSet // location groups, by group id
	notify    *groupSet // notification streams, by user id
	broker    *stompBroker

	mu     sync.Mutex
	closed bool
	done   chan struct{}          // closed by shutdown
	wg     sync.WaitGroup         // every long-lived handler
	conns  map[io.Closer]struct{} // hijacked connections, force-closed at the end
}

func newRealtime() *realtime {
	rt := &realtime{done: make(chan struct{}), conns: map[io.Closer]struct{}{}}
	rt.locations = newGroupSet(maxGroups, locationLogSize, &rt.stats)
	rt.notify = newGroupSet(maxGroups, notificationLogSize, &rt.stats)
	rt.broker = newStompBroker(&rt.stats)
	return rt
}

// errShuttingDown answers requests that arrive during Close.
var errShuttingDown = errors.New("demo target is shutting down")

// enter registers a long-lived handler; it fails once shutdown began, so
// wg.Add never races with wg.Wait.
func (rt *realtime) enter() error {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.closed {
		return errShuttingDown
	}
	rt.wg.Add(1)
	return nil
}

// track remembers a hijacked connection until untrack, so wait can close it
// if its handler is stuck in a write.
func (rt *realtime) track(c io.Closer) {
	rt.mu.Lock()
	rt.conns[c] = struct{}{}
	rt.mu.Unlock()
}

func (rt *realtime) untrack(c io.Closer) {
	rt.mu.Lock()
	delete(rt.conns, c)
	rt.mu.Unlock()
}

// shutdown tells every stream, socket and held poll to end.
func (rt *realtime) shutdown() {
	rt.mu.Lock()
	if !rt.closed {
		rt.closed = true
		close(rt.done)
	}
	rt.mu.Unlock()
}

// wait returns when every long-lived handler has returned. Handlers get
// two seconds to say goodbye (WebSocket close frames); then their
// connections are closed under them.
func (rt *realtime) wait() {
	finished := make(chan struct{})
	go func() {
		rt.wg.Wait()
		close(finished)
	}()
	t := time.NewTimer(2 * time.Second)
	defer t.Stop()
	select {
	case <-finished:
		return
	case <-t.C:
	}
	rt.mu.Lock()
	for c := range rt.conns {
		_ = c.Close()
	}
	rt.mu.Unlock()
	<-finished
}

// sleep waits d, or less if the server shuts down; it reports whether the
// full delay passed.
func (rt *realtime) sleep(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-rt.done:
		return false
	}
}

func (rt *realtime) snapshot() rtStatsJSON {
	out := rtStatsJSON{
		Connections:      make(map[string]int64, nTransports),
		ConnectionsTotal: make(map[string]int64, nTransports),
		MessagesIn:       rt.stats.messagesIn.Load(),
		Deliveries:       rt.stats.deliveries.Load(),
		Drops:            rt.stats.drops.Load(),
		Replayed:         rt.stats.replayed.Load(),
		Polls:            rt.stats.polls.Load(),
		StompErrors:      rt.stats.stompErrs.Load(),
		Groups:           rt.locations.len(),
		GroupsEvicted:    rt.stats.evicted.Load(),
	}
	for t := range nTransports {
		out.Connections[transportNames[t]] = rt.stats.open[t].Load()
		out.ConnectionsTotal[transportNames[t]] = rt.stats.opened[t].Load()
	}
	return out
}

// realtimeRoutes registers the real-time endpoints (see routes for the
// table). Test-only fault switches, in the query string:
//
//	delay=DUR       (ws, stomp, POST /location, POST /notifications) hold each
//	                message DUR (≤ 10s) before it fans out
//	cut_after=N     (SSE streams, ws) end the stream / close the socket with
//	                1011 after N messages were written to it
//	cut_mid=1       (SSE streams, with cut_after) end the stream in the middle
//	                of the next event instead
//	hb=SX,SY        (stomp) the server's heart-beat offer in ms (default 10000,10000)
func (s *Server) realtimeRoutes(mux *http.ServeMux) {
	rt := s.rt
	mux.Handle(s.counted("GET /ws/location", rt.serveWS))
	mux.Handle(s.counted("GET /stomp", rt.serveSTOMP))
	mux.Handle(s.counted("GET /sse/location", rt.serveLocationSSE))
	mux.Handle(s.counted("POST /location", rt.postLocation))
	mux.Handle(s.counted("GET /poll/location", rt.servePoll))
	mux.Handle(s.counted("GET /longpoll/location", rt.serveLongPoll))
	mux.Handle(s.counted("GET /notifications/stream", rt.serveNotificationSSE))
	mux.Handle(s.counted("POST /notifications", rt.postNotification))
}

// groupUser reads the required group and user query parameters.
func groupUser(w http.ResponseWriter, r *http.Request) (group, user string, ok bool) {
	q := r.URL.Query()
	group, user = q.Get("group"), q.Get("user")
	if !validID(group) || !validID(user) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("group and user are required (1..%d bytes)", maxID))
		return "", "", false
	}
	return group, user, true
}

func validID(s string) bool { return s != "" && len(s) <= maxID }

// faults are the test-only switches of one request.
type faults struct {
	delay    time.Duration
	cutAfter int
	cutMid   bool
}

func parseFaults(w http.ResponseWriter, r *http.Request) (faults, bool) {
	var f faults
	q := r.URL.Query()
	if v := q.Get("delay"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > maxFaultDelay {
			writeError(w, http.StatusBadRequest, "delay must be a duration 0..10s")
			return f, false
		}
		f.delay = d
	}
	if v := q.Get("cut_after"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, "cut_after must be a positive integer")
			return f, false
		}
		f.cutAfter = n
	}
	if v := q.Get("cut_mid"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			writeError(w, http.StatusBadRequest, "cut_mid must be a boolean")
			return f, false
		}
		f.cutMid = b
	}
	return f, true
}
