package demo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// ssePingEvery is how often an SSE stream carries a ": ping" comment.
const ssePingEvery = 15 * time.Second

// serveLocationSSE is GET /sse/location?group=G&user=U: every message
// posted to group G by another user arrives as
//
//	event: position
//	id: N
//	data: <the JSON>
//
// with N the group's sequence number. Last-Event-ID: N replays what the
// user missed from the group's log (the last 1000 messages).
func (rt *realtime) serveLocationSSE(w http.ResponseWriter, r *http.Request) {
	groupID, user, ok := groupUser(w, r)
	if !ok {
		return
	}
	rt.serveStream(w, r, rt.locations, groupID, user, transportSSE)
}

// serveStream serves one SSE stream on the group key of gs for user ("" for
// notification streams, which exclude nobody).
func (rt *realtime) serveStream(w http.ResponseWriter, r *http.Request, gs *groupSet, key, user string, t transport) {
	f, ok := parseFaults(w, r)
	if !ok {
		return
	}
	var lastID int64
	resume := false
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "Last-Event-ID must be a non-negative integer")
			return
		}
		lastID, resume = n, true
	}
	if err := rt.enter(); err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	defer rt.wg.Done()
	g, err := gs.acquire(key)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	defer gs.release(g)
	sub := newSubscriber(user)
	replay := g.join(sub, resume, lastID)
	defer g.leave(sub)
	defer rt.stats.connOpened(t)()

	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	sw := &sseWriter{w: w, rc: rc, cutAfter: f.cutAfter, cutMid: f.cutMid}
	if err := sw.flush(); err != nil {
		return
	}
	rt.stats.replayed.Add(int64(len(replay)))
	rt.stats.deliveries.Add(int64(len(replay)))
	for _, e := range replay {
		if !sw.event(e) {
			_ = sw.flush()
			return
		}
	}
	if err := sw.flush(); err != nil {
		return
	}
	ping := time.NewTicker(ssePingEvery)
	defer ping.Stop()
	for {
		select {
		case e := <-sub.out:
			more := sw.event(e)
			for more && len(sub.out) > 0 {
				more = sw.event(<-sub.out)
			}
			if err := sw.flush(); err != nil || !more {
				return
			}
		case <-ping.C:
			sw.buf = append(sw.buf, ": ping\n\n"...)
			if err := sw.flush(); err != nil {
				return
			}
		case <-r.Context().Done():
			return
		case <-rt.done:
			return
		}
	}
}

// sseWriter encodes events into a reusable buffer and flushes them with a
// write deadline, so a client that stopped reading is cut, not waited for.
type sseWriter struct {
	w        io.Writer
	rc       *http.ResponseController
	buf      []byte
	written  int
	cutAfter int
	cutMid   bool
}

// event appends e; it reports false when the cut_after fault says the
// stream must end now (after this event, or in its middle with cut_mid).
func (sw *sseWriter) event(e *entry) bool {
	if sw.cutAfter > 0 && sw.written >= sw.cutAfter && sw.cutMid {
		full := appendEvent(nil, e)
		sw.buf = append(sw.buf, full[:len(full)/2]...)
		return false
	}
	sw.buf = appendEvent(sw.buf, e)
	sw.written++
	return !(sw.cutAfter > 0 && sw.written >= sw.cutAfter && !sw.cutMid)
}

func (sw *sseWriter) flush() error {
	if err := sw.rc.SetWriteDeadline(time.Now().Add(writeWait)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	if len(sw.buf) > 0 {
		if _, err := sw.w.Write(sw.buf); err != nil {
			return err
		}
		sw.buf = sw.buf[:0]
	}
	return sw.rc.Flush()
}

// appendEvent encodes e per the SSE spec: data with line breaks becomes
// one data line per line (a client joins them with "\n"; a CR before a LF
// is a line ending, so only "\r\n" inside a message is normalised).
func appendEvent(dst []byte, e *entry) []byte {
	dst = append(dst, "event: "...)
	dst = append(dst, e.event...)
	dst = append(dst, "\nid: "...)
	dst = strconv.AppendInt(dst, e.seq, 10)
	dst = append(dst, '\n')
	data := e.data
	for {
		line, rest, found := bytes.Cut(data, []byte{'\n'})
		line = bytes.TrimSuffix(line, []byte{'\r'})
		dst = append(dst, "data: "...)
		dst = append(dst, line...)
		dst = append(dst, '\n')
		if !found {
			break
		}
		data = rest
	}
	return append(dst, '\n')
}

// postLocation is POST /location: the body is a JSON object with string
// fields "group" and "sender"; it is published verbatim to group's SSE
// streams (except the sender's), WebSockets, poll log and long-poll
// waiters. Answers 202 {"seq": N}.
func (rt *realtime) postLocation(w http.ResponseWriter, r *http.Request) {
	f, body, fields, ok := readPosted(w, r, "group", "sender")
	if !ok {
		return
	}
	if !rt.sleep(f.delay) {
		writeError(w, http.StatusServiceUnavailable, errShuttingDown.Error())
		return
	}
	g, err := rt.locations.acquire(fields[0])
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	seq := g.publish(&rt.stats, fields[1], nil, "position", body, true)
	rt.locations.release(g)
	writeJSON(w, http.StatusAccepted, map[string]int64{"seq": seq})
}

// readPosted is the prologue of the POST handlers: the request's fault
// switches, its JSON body (verbatim) and the named routing fields of it.
// It answers the error itself when any is missing or malformed.
func readPosted(w http.ResponseWriter, r *http.Request, names ...string) (faults, []byte, []string, bool) {
	f, ok := parseFaults(w, r)
	if !ok {
		return f, nil, nil, false
	}
	body, ok := readMessage(w, r)
	if !ok {
		return f, nil, nil, false
	}
	fields, ok := stringFields(w, body, names...)
	return f, body, fields, ok
}

// readMessage reads a JSON body of at most maxMessage bytes, verbatim.
func readMessage(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxMessage))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "body: "+err.Error())
		return nil, false
	}
	if !json.Valid(body) {
		writeError(w, http.StatusBadRequest, "body is not valid JSON")
		return nil, false
	}
	return body, true
}

// stringFields reads the named top-level string fields of a JSON object
// (the routing fields; the rest of the body is never looked at). A body
// that is not an object is 400; a missing, empty, too long or non-string
// field is 422.
func stringFields(w http.ResponseWriter, body []byte, names ...string) ([]string, bool) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		writeError(w, http.StatusBadRequest, "body must be a JSON object")
		return nil, false
	}
	out := make([]string, len(names))
	for i, name := range names {
		if err := json.Unmarshal(obj[name], &out[i]); err != nil || !validID(out[i]) {
			writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("body needs a string field %q (1..%d bytes)", name, maxID))
			return nil, false
		}
	}
	return out, true
}
