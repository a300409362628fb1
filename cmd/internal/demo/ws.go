package demo

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// wsPingEvery is how often the server pings an idle-or-not WebSocket.
const wsPingEvery = 20 * time.Second

// upgrader accepts any origin: the demo target is served on loopback and
// load tools send whatever Origin they like.
var upgrader = websocket.Upgrader{
	ReadBufferSize:  4096,
	WriteBufferSize: 4096,
	CheckOrigin:     func(*http.Request) bool { return true },
}

// serveWS is GET /ws/location?group=G&user=U: a raw WebSocket whose text
// frames are forwarded verbatim to every other connection (and SSE stream)
// of group G, never back to the sending connection. The connection is in
// the group before the handshake answer leaves, so a client may send as
// soon as Dial returns. Binary frames are refused with close code 1003.
func (rt *realtime) serveWS(w http.ResponseWriter, r *http.Request) {
	groupID, user, ok := groupUser(w, r)
	if !ok {
		return
	}
	f, ok := parseFaults(w, r)
	if !ok {
		return
	}
	if err := rt.enter(); err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	defer rt.wg.Done()
	g, err := rt.locations.acquire(groupID)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	defer rt.locations.release(g)
	sub := newSubscriber(user)
	g.join(sub, false, 0)
	defer g.leave(sub)

	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered with an HTTP error
	}
	rt.track(conn)
	defer rt.untrack(conn)
	defer rt.stats.connOpened(transportWS)()
	conn.SetReadLimit(maxMessage)

	readerDone := make(chan struct{})
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		rt.wsWriter(conn, sub, readerDone, f.cutAfter)
	}()
	rt.wsReader(conn, g, sub, f.delay)
	close(readerDone)
	<-writerDone
	_ = conn.Close()
}

// wsReader publishes the client's text frames until the connection ends.
func (rt *realtime) wsReader(conn *websocket.Conn, g *group, sub *subscriber, delay time.Duration) {
	for {
		typ, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		if typ != websocket.TextMessage {
			_ = conn.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.CloseUnsupportedData, "text frames only"),
				time.Now().Add(time.Second))
			return
		}
		if !rt.sleep(delay) {
			return
		}
		g.publish(&rt.stats, sub.user, sub, "position", data, json.Valid(data))
	}
}

// wsWriter is the connection's only writer: queued messages, pings, the
// cut_after fault and the close frame at shutdown. It closes the
// connection when it returns, which ends a reader still blocked in a read.
func (rt *realtime) wsWriter(conn *websocket.Conn, sub *subscriber, readerDone <-chan struct{}, cutAfter int) {
	defer conn.Close()
	ping := time.NewTicker(wsPingEvery)
	defer ping.Stop()
	closeWith := func(code int, text string) {
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	}
	written := 0
	for {
		select {
		case e := <-sub.out:
			_ = conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := conn.WriteMessage(websocket.TextMessage, e.data); err != nil {
				return
			}
			written++
			if cutAfter > 0 && written >= cutAfter {
				closeWith(websocket.CloseInternalServerErr, "cut_after")
				return
			}
		case <-ping.C:
			if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				return
			}
		case <-readerDone:
			return
		case <-rt.done:
			closeWith(websocket.CloseGoingAway, "server shutting down")
			return
		}
	}
}
