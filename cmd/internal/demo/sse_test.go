package demo

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// postLoc posts a location message from sender to group and returns its seq.
func postLoc(t *testing.T, c *http.Client, s *Server, group, sender string, n int) (string, float64) {
	t.Helper()
	msg := fmt.Sprintf(`{"group":%q,"sender":%q,"n":%d}`, group, sender, n)
	code, m := post(t, c, s.URL()+"/location", []byte(msg))
	if code != 202 {
		t.Fatalf("POST /location: %d %v", code, m)
	}
	return msg, m["seq"].(float64)
}

// TestSSELastEventIDReplay: a reconnecting user gets, in order and with
// their ids, the messages it missed from others (not its own), then the
// live ones, with no gap and no duplicate.
func TestSSELastEventIDReplay(t *testing.T) {
	s := start(t)
	c := newClient(t)
	var sent []string
	for i := 1; i <= 5; i++ {
		sender := "u1"
		if i == 4 {
			sender = "u2" // u2's own message is not replayed to u2
		}
		msg, seq := postLoc(t, c, s, "r", sender, i)
		if seq != float64(i) {
			t.Fatalf("seq %v, want %d", seq, i)
		}
		sent = append(sent, msg)
	}
	st := openSSE(t, c, s.URL()+"/sse/location?group=r&user=u2", "2")
	for _, want := range []struct {
		id   string
		data string
	}{{"3", sent[2]}, {"5", sent[4]}} {
		ev := st.mustNext(t)
		if ev.id != want.id || ev.data != want.data || ev.event != "position" {
			t.Errorf("replayed %+v, want id %s data %s", ev, want.id, want.data)
		}
	}
	live, _ := postLoc(t, c, s, "r", "u3", 6)
	if ev := st.mustNext(t); ev.id != "6" || ev.data != live {
		t.Errorf("live event %+v, want id 6", ev)
	}
	if got := s.rt.snapshot().Replayed; got != 2 {
		t.Errorf("replayed counter %d, want 2", got)
	}
}

// TestSSEMultiLineDataRoundTrips: a pretty-printed body travels as several
// data lines that a client joins back into the same bytes.
func TestSSEMultiLineDataRoundTrips(t *testing.T) {
	s := start(t)
	c := newClient(t)
	st := openSSE(t, c, s.URL()+"/sse/location?group=m&user=rx", "")
	body := "{\n  \"group\": \"m\",\n  \"sender\": \"tx\"\n}\n"
	if code, _ := post(t, c, s.URL()+"/location", []byte(body)); code != 202 {
		t.Fatalf("POST: %d", code)
	}
	if ev := st.mustNext(t); ev.data != body {
		t.Errorf("data %q, want %q", ev.data, body)
	}
}

// TestSSECutFaults reproduces the broken streams a client must report.
func TestSSECutFaults(t *testing.T) {
	cases := []struct {
		name  string
		query string
		want  error // what the second read returns
	}{
		// A stream that closes cleanly after one event.
		{"closed after one event", "&cut_after=1", io.EOF},
		// A stream cut in the middle of its second event.
		{"cut mid-event", "&cut_after=1&cut_mid=1", io.ErrUnexpectedEOF},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t)
			c := newClient(t)
			st := openSSE(t, c, s.URL()+"/sse/location?group=x&user=rx"+tc.query, "")
			postLoc(t, c, s, "x", "tx", 1)
			postLoc(t, c, s, "x", "tx", 2)
			if ev := st.mustNext(t); ev.id != "1" {
				t.Fatalf("first event %+v", ev)
			}
			if ev, err := st.next(); !errors.Is(err, tc.want) {
				t.Errorf("second read: %+v %v, want %v", ev, err, tc.want)
			}
		})
	}
}

// TestLocationRequestErrors covers the sad paths of the HTTP endpoints.
func TestLocationRequestErrors(t *testing.T) {
	s := start(t)
	c := newClient(t)
	cases := []struct {
		name, method, path, body, lastID string
		want                             int
	}{
		// The body must be JSON...
		{"post not JSON", "POST", "/location", `{"group":`, "", 400},
		// ...an object...
		{"post array", "POST", "/location", `[1]`, "", 400},
		// ...with string group and sender.
		{"post no sender", "POST", "/location", `{"group":"g"}`, "", 422},
		{"post numeric group", "POST", "/location", `{"group":1,"sender":"u"}`, "", 422},
		// SSE needs group and user, and an integer Last-Event-ID.
		{"sse no user", "GET", "/sse/location?group=g", "", "", 400},
		{"sse bad last id", "GET", "/sse/location?group=g&user=u", "", "abc", 400},
		// Polls need group and user and an integer since.
		{"poll no group", "GET", "/poll/location?user=u", "", "", 400},
		{"poll bad since", "GET", "/poll/location?group=g&user=u&since=-1", "", "", 400},
		// Long-poll timeouts are bounded.
		{"longpoll timeout zero", "GET", "/longpoll/location?group=g&user=u&timeout=0s", "", "", 400},
		{"longpoll timeout huge", "GET", "/longpoll/location?group=g&user=u&timeout=1h", "", "", 400},
		// A too-long group id.
		{"poll long group", "GET", "/poll/location?user=u&group=" + strings.Repeat("g", maxID+1), "", "", 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, s.URL()+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.lastID != "" {
				req.Header.Set("Last-Event-ID", tc.lastID)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("%s %s: %d, want %d", tc.method, tc.path, resp.StatusCode, tc.want)
			}
		})
	}
}
