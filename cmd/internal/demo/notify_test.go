package demo

import (
	"fmt"
	"strconv"
	"testing"
)

// TestNotificationsSixTypesAndResume: each of the six types arrives as its
// own event name with a per-user id and the posted JSON verbatim; another
// user's stream gets nothing; Last-Event-ID resumes after the given id.
func TestNotificationsSixTypesAndResume(t *testing.T) {
	s := start(t)
	c := newClient(t)
	st := openSSE(t, c, s.URL()+"/notifications/stream?user=ada", "")
	other := openSSE(t, c, s.URL()+"/notifications/stream?user=bob", "")
	var bodies []string
	for i, typ := range notificationTypes {
		body := fmt.Sprintf(`{"to":"ada", "type":%q, "from":"u%d", "sent_ns": %d}`, typ, i, 1000+i)
		code, m := post(t, c, s.URL()+"/notifications", []byte(body))
		if code != 202 || m["id"] != float64(i+1) {
			t.Fatalf("POST %s: %d %v", typ, code, m)
		}
		bodies = append(bodies, body)
	}
	for i, typ := range notificationTypes {
		ev := st.mustNext(t)
		if ev.event != typ || ev.id != strconv.Itoa(i+1) || ev.data != bodies[i] {
			t.Errorf("event %d: %+v, want %s id %d data %s", i, ev, typ, i+1, bodies[i])
		}
	}
	// bob's stream: a notification for bob is the first thing it sees.
	post(t, c, s.URL()+"/notifications", []byte(`{"to":"bob","type":"system"}`))
	if ev := other.mustNext(t); ev.id != "1" || ev.event != "system" {
		t.Errorf("bob got %+v, want his own first notification", ev)
	}
	// Resume after id 4: 5 and 6, in order.
	resumed := openSSE(t, c, s.URL()+"/notifications/stream?user=ada", "4")
	for _, want := range []int{5, 6} {
		if ev := resumed.mustNext(t); ev.id != strconv.Itoa(want) || ev.data != bodies[want-1] {
			t.Errorf("resumed %+v, want id %d", ev, want)
		}
	}
}

// TestNotificationErrors covers the POST's sad paths.
func TestNotificationErrors(t *testing.T) {
	s := start(t)
	c := newClient(t)
	cases := []struct {
		name, body string
		want       int
	}{
		// An unknown type.
		{"unknown type", `{"to":"ada","type":"poke"}`, 422},
		// No recipient.
		{"no to", `{"type":"like"}`, 422},
		// Not JSON.
		{"not json", `type=like`, 400},
		// Not an object.
		{"not an object", `"like"`, 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if code, m := post(t, c, s.URL()+"/notifications", []byte(tc.body)); code != tc.want {
				t.Errorf("%s: %d %v, want %d", tc.body, code, m, tc.want)
			}
		})
	}
	// A stream needs a user.
	resp, err := c.Get(s.URL() + "/notifications/stream")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("stream without user: %d, want 400", resp.StatusCode)
	}
}
