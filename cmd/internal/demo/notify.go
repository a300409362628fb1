package demo

import (
	"net/http"
	"slices"
	"strings"
)

// notificationTypes are the six event types a notification may have.
var notificationTypes = []string{"like", "comment", "follow", "mention", "message", "system"}

// serveNotificationSSE is GET /notifications/stream?user=U: user U's
// notifications as SSE events "event: <type>", "id: <per-user seq>",
// "data: <the posted JSON>". Last-Event-ID: N resumes from the user's log
// (the last 500 notifications).
func (rt *realtime) serveNotificationSSE(w http.ResponseWriter, r *http.Request) {
	user := r.URL.Query().Get("user")
	if !validID(user) {
		writeError(w, http.StatusBadRequest, "user is required")
		return
	}
	rt.serveStream(w, r, rt.notify, user, "", transportNotifications)
}

// postNotification is POST /notifications: {"to": U, "type": T, ...} →
// 202 {"id": N}; the whole posted object is the event's data, verbatim.
// An unknown type is 422.
func (rt *realtime) postNotification(w http.ResponseWriter, r *http.Request) {
	f, body, fields, ok := readPosted(w, r, "to", "type")
	if !ok {
		return
	}
	to, typ := fields[0], fields[1]
	if !slices.Contains(notificationTypes, typ) {
		writeError(w, http.StatusUnprocessableEntity, "type must be one of "+strings.Join(notificationTypes, ", "))
		return
	}
	if !rt.sleep(f.delay) {
		writeError(w, http.StatusServiceUnavailable, errShuttingDown.Error())
		return
	}
	g, err := rt.notify.acquire(to)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	id := g.publish(&rt.stats, "", nil, typ, body, true)
	rt.notify.release(g)
	writeJSON(w, http.StatusAccepted, map[string]int64{"id": id})
}
