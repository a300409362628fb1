package demo

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// handle acts on one client frame; it reports false when the connection
// must end (DISCONNECT, or an ERROR was sent).
//
//	CONNECT / STOMP   → CONNECTED (version 1.2, else 1.1; heart-beats negotiated)
//	SUBSCRIBE         destination:/topic/..., id (unique per connection), ack (any; treated as auto)
//	UNSUBSCRIBE       id
//	SEND              destination:/topic/X or /app/X (→ /topic/X); MESSAGE to every subscriber
//	ACK / NACK        accepted, no effect (acks are automatic)
//	DISCONNECT        RECEIPT if asked, then close
//	anything else, a frame before CONNECT, a missing header, an unknown
//	destination prefix → ERROR, then close
//
// Every frame but CONNECT may carry receipt:ID, answered by RECEIPT.
func (s *stompSession) handle(f *stompFrame) bool {
	rcpt, _ := f.get("receipt")
	if !s.connected {
		if f.command != "CONNECT" && f.command != "STOMP" {
			s.fail("not connected", "the first frame must be CONNECT or STOMP, got "+f.command, rcpt)
			return false
		}
		return s.connect(f)
	}
	switch f.command {
	case "SUBSCRIBE":
		return s.subscribe(f, rcpt)
	case "UNSUBSCRIBE":
		id, ok := f.get("id")
		sub := s.subs[id]
		if !ok || sub == nil {
			s.fail("unknown subscription", fmt.Sprintf("UNSUBSCRIBE: no subscription with id %q", id), rcpt)
			return false
		}
		s.rt.broker.unsubscribe(sub)
		delete(s.subs, id)
		return s.receipt(f)
	case "SEND":
		return s.sendFrame(f, rcpt)
	case "ACK", "NACK":
		return s.receipt(f)
	case "DISCONNECT":
		if s.receipt(f) {
			s.send(nil)
		}
		return false
	case "CONNECT", "STOMP":
		s.fail("already connected", "a second "+f.command+" frame", rcpt)
		return false
	case "BEGIN", "COMMIT", "ABORT":
		s.fail("transactions are not supported", f.command+" is not supported by the demo broker", rcpt)
		return false
	default:
		s.fail("unknown command", "unknown command "+f.command, rcpt)
		return false
	}
}

// connect negotiates the version and heart-beats. Per the spec, with the
// client's heart-beat cx,cy and the server's sx,sy: the server sends every
// max(sx,cy) (none if either is 0) and expects data every max(cx,sy).
// CONNECTED carries sx,sy with a direction the client disabled zeroed, so
// the client's computation gives the same periods.
func (s *stompSession) connect(f *stompFrame) bool {
	accept, _ := f.get("accept-version")
	versions := strings.Split(accept, ",")
	for i := range versions {
		versions[i] = strings.TrimSpace(versions[i])
	}
	version := ""
	switch {
	case slices.Contains(versions, "1.2"):
		version = "1.2"
	case slices.Contains(versions, "1.1"):
		version = "1.1"
	default:
		s.rt.stats.stompErrs.Add(1)
		if s.send(appendFrame(nil, "ERROR", []stompHeader{{"version", "1.2,1.1"}, {"message", "unsupported protocol version"},
			{"content-type", "text/plain"}}, []byte("supported versions are 1.2 and 1.1, client accepts "+strconv.Quote(accept)))) {
			s.send(nil)
		}
		return false
	}
	cx, cy := time.Duration(0), time.Duration(0)
	if v, ok := f.get("heart-beat"); ok {
		var err error
		if cx, cy, err = parseHeartBeat(v); err != nil {
			s.fail("invalid heart-beat", fmt.Sprintf("heart-beat %q must be two integers (ms)", v), "")
			return false
		}
	}
	sx, sy := s.offer[0], s.offer[1]
	if cy == 0 {
		sx = 0
	}
	if cx == 0 {
		sy = 0
	}
	if sx > 0 {
		s.hbOut.Store(int64(max(sx, cy)))
	}
	if sy > 0 {
		s.hbIn = max(cx, sy)
		_ = s.conn.SetReadDeadline(time.Now().Add(3 * s.hbIn))
	}
	s.connected = true
	return s.send(appendFrame(nil, "CONNECTED", []stompHeader{
		{"version", version},
		{"heart-beat", fmt.Sprintf("%d,%d", sx.Milliseconds(), sy.Milliseconds())},
		{"server", "loadgo-demo/1"},
		{"session", strconv.FormatInt(s.rt.broker.nextID.Add(1), 10)},
	}, nil))
}

func (s *stompSession) subscribe(f *stompFrame, rcpt string) bool {
	dest, okD := f.get("destination")
	id, okI := f.get("id")
	switch {
	case !okD || !okI || id == "":
		s.fail("missing header", "SUBSCRIBE needs destination and id headers", rcpt)
		return false
	case !strings.HasPrefix(dest, "/topic/") || len(dest) == len("/topic/"):
		s.fail("unknown destination", fmt.Sprintf("SUBSCRIBE: destination %q must start with /topic/", dest), rcpt)
		return false
	case s.subs[id] != nil:
		s.fail("duplicate subscription", fmt.Sprintf("SUBSCRIBE: id %q is already in use on this connection", id), rcpt)
		return false
	case len(s.subs) >= stompMaxSubs:
		s.fail("too many subscriptions", fmt.Sprintf("at most %d subscriptions per connection", stompMaxSubs), rcpt)
		return false
	}
	sub := &stompSub{id: id, dest: dest, out: s.out}
	s.subs[id] = sub
	s.rt.broker.subscribe(sub)
	return s.receipt(f)
}

// sendFrame handles SEND: /app/X is routed to /topic/X (what a Spring
// @MessageMapping that broadcasts to the topic does).
func (s *stompSession) sendFrame(f *stompFrame, rcpt string) bool {
	dest, ok := f.get("destination")
	if !ok {
		s.fail("missing header", "SEND needs a destination header", rcpt)
		return false
	}
	topic := dest
	if rest, isApp := strings.CutPrefix(dest, "/app/"); isApp {
		topic = "/topic/" + rest
	}
	if !strings.HasPrefix(topic, "/topic/") || len(topic) == len("/topic/") {
		s.fail("unknown destination", fmt.Sprintf("SEND: destination %q must start with /topic/ or /app/", dest), rcpt)
		return false
	}
	ct, ok := f.get("content-type")
	if !ok {
		ct = "application/json"
	}
	if !s.rt.sleep(s.delay) {
		return false
	}
	s.rt.broker.publish(topic, ct, f.body)
	return s.receipt(f)
}
