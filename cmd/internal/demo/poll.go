package demo

import (
	"net/http"
	"strconv"
	"time"
)

const (
	// longPollDefault is the hold time of a long poll without ?timeout=.
	longPollDefault = 25 * time.Second
	// longPollMax bounds ?timeout=.
	longPollMax = 2 * time.Minute
)

// pollQuery is a parsed poll request.
type pollQuery struct {
	group, user string
	since       int64
	hasSince    bool
}

func parsePoll(w http.ResponseWriter, r *http.Request) (pollQuery, bool) {
	var q pollQuery
	var ok bool
	if q.group, q.user, ok = groupUser(w, r); !ok {
		return q, false
	}
	if v := r.URL.Query().Get("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "since must be a non-negative integer")
			return q, false
		}
		q.since, q.hasSince = n, true
	}
	return q, true
}

// collectLocked returns the messages for q and the cursor to poll from
// next. Without since, it answers "nothing yet" with the current cursor;
// a since past the group's sequence (a client of an earlier server) is
// treated as the current one. g.mu must be held.
func (q *pollQuery) collectLocked(g *group) ([]*entry, int64) {
	if !q.hasSince || q.since > g.seq {
		q.since, q.hasSince = g.seq, true
	}
	return g.sinceLocked(q.since, q.user, true), g.seq
}

// servePoll is GET /poll/location?group=G&user=U&since=N: an immediate
// 200 {"messages":[<JSON>...],"cursor":M} with group G's messages of
// seq > N not sent by U (without since: messages [] and the current cursor).
func (rt *realtime) servePoll(w http.ResponseWriter, r *http.Request) {
	q, ok := parsePoll(w, r)
	if !ok {
		return
	}
	g, err := rt.locations.acquire(q.group)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	g.mu.Lock()
	msgs, cursor := q.collectLocked(g)
	g.mu.Unlock()
	rt.locations.release(g)
	rt.writePoll(w, msgs, cursor)
}

// serveLongPoll is GET /longpoll/location?group=G&user=U&since=N&timeout=25s:
// the answer of servePoll, held until at least one message for U exists
// after N, or the timeout passes (then messages []).
func (rt *realtime) serveLongPoll(w http.ResponseWriter, r *http.Request) {
	q, ok := parsePoll(w, r)
	if !ok {
		return
	}
	timeout := longPollDefault
	if v := r.URL.Query().Get("timeout"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > longPollMax {
			writeError(w, http.StatusBadRequest, "timeout must be a duration in (0, 2m]")
			return
		}
		timeout = d
	}
	if err := rt.enter(); err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	defer rt.wg.Done()
	g, err := rt.locations.acquire(q.group)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	defer rt.locations.release(g)
	defer rt.stats.connOpened(transportLongPoll)()

	wt := &waiter{user: q.user, wake: make(chan struct{}, 1)}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	expired := false
	for {
		g.mu.Lock()
		msgs, cursor := q.collectLocked(g)
		if len(msgs) > 0 || expired {
			delete(g.waiters, wt)
			g.mu.Unlock()
			rt.writePoll(w, msgs, cursor)
			return
		}
		g.waiters[wt] = struct{}{}
		g.mu.Unlock()
		select {
		case <-wt.wake:
		case <-timer.C:
			expired = true
		case <-rt.done:
			expired = true
		case <-r.Context().Done():
			g.mu.Lock()
			delete(g.waiters, wt)
			g.mu.Unlock()
			return
		}
	}
}

// writePoll writes {"messages":[...],"cursor":M} by hand: each message is
// embedded verbatim (encoding/json would re-encode a json.RawMessage).
func (rt *realtime) writePoll(w http.ResponseWriter, msgs []*entry, cursor int64) {
	rt.stats.polls.Add(1)
	rt.stats.deliveries.Add(int64(len(msgs)))
	size := 32
	for _, e := range msgs {
		size += len(e.data) + 1
	}
	buf := make([]byte, 0, size)
	buf = append(buf, `{"messages":[`...)
	for i, e := range msgs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, e.data...)
	}
	buf = append(buf, `],"cursor":`...)
	buf = strconv.AppendInt(buf, cursor, 10)
	buf = append(buf, "}\n"...)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf)
}
