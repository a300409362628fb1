package demo

import (
	"bytes"
	"testing"
)

// TestShortPollCursor: without since, nothing and the current cursor; with
// it, others' messages after it, verbatim, and the new cursor.
func TestShortPollCursor(t *testing.T) {
	s := start(t)
	c := newClient(t)
	postLoc(t, c, s, "p", "u1", 0) // before the poller's first poll: never shown
	a, raw := getPoll(t, c, s, "/poll/location", "p", "me", -1, "")
	if len(a.Messages) != 0 || a.Cursor != 1 {
		t.Fatalf("first poll %s, want no messages and cursor 1", raw)
	}
	m1, _ := postLoc(t, c, s, "p", "u1", 1)
	postLoc(t, c, s, "p", "me", 2) // the poller's own message
	m3, _ := postLoc(t, c, s, "p", "u2", 3)
	a, raw = getPoll(t, c, s, "/poll/location", "p", "me", a.Cursor, "")
	want := `{"messages":[` + m1 + `,` + m3 + `],"cursor":4}`
	if string(bytes.TrimSpace(raw)) != want {
		t.Errorf("poll answer\n%s\nwant\n%s", raw, want)
	}
	// Nothing new: an empty answer at the same cursor.
	if a, raw = getPoll(t, c, s, "/poll/location", "p", "me", a.Cursor, ""); len(a.Messages) != 0 || a.Cursor != 4 {
		t.Errorf("poll with nothing new: %s", raw)
	}
	// A cursor from the future (an earlier server) is treated as now.
	if a, raw = getPoll(t, c, s, "/poll/location", "p", "me", 99, ""); len(a.Messages) != 0 || a.Cursor != 4 {
		t.Errorf("poll from a future cursor: %s", raw)
	}
}

// TestLongPollHeldThenReleased: a long poll is held while nothing is there
// for its user (its own message does not release it), is released by
// another user's POST, and by its timeout with messages [].
func TestLongPollHeldThenReleased(t *testing.T) {
	s := start(t)
	c := newClient(t)
	held := s.rt.stats.open[transportLongPoll].Load
	type result struct {
		a   pollAnswer
		raw []byte
	}
	done := make(chan result, 1)
	go func() {
		// getPoll may only Fatal from the test goroutine; errors surface as
		// a zero result checked below.
		a, raw := getPollNoFatal(c, s, "/longpoll/location?group=lp&user=me&since=0&timeout=1m")
		done <- result{a, raw}
	}()
	waitFor(t, func() bool { return held() == 1 })
	postLoc(t, c, s, "lp", "me", 1) // own message: still held
	select {
	case r := <-done:
		t.Fatalf("released by the user's own message: %s", r.raw)
	default:
	}
	if held() != 1 {
		t.Fatal("the long poll is no longer held")
	}
	m2, _ := postLoc(t, c, s, "lp", "other", 2)
	r := <-done
	want := `{"messages":[` + m2 + `],"cursor":2}`
	if string(bytes.TrimSpace(r.raw)) != want {
		t.Errorf("released answer %s, want %s", r.raw, want)
	}

	// Released by the timeout: no messages, the current cursor.
	a, raw := getPoll(t, c, s, "/longpoll/location", "lp", "me", 2, "&timeout=20ms")
	if len(a.Messages) != 0 || a.Cursor != 2 {
		t.Errorf("timed-out long poll: %s", raw)
	}
	// Something already there: answered at once.
	a, _ = getPoll(t, c, s, "/longpoll/location", "lp", "me", 0, "&timeout=1m")
	if len(a.Messages) != 1 || string(a.Messages[0]) != m2 {
		t.Errorf("long poll with a pending message: %q", a.Messages)
	}
	if held() != 0 {
		t.Errorf("%d long polls still held", held())
	}
}
