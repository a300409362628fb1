package targets

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
)

// WS accepts WebSocket connections and sends each a text message with a
// sequence number every interval until the client goes away, for the
// connection-scale benchmark. It records no handler time (a connection has
// no response time).
func WS(interval time.Duration) http.Handler {
	up := websocket.Upgrader{ReadBufferSize: 512, WriteBufferSize: 512, CheckOrigin: func(*http.Request) bool { return true }}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return // Upgrade has answered the client
		}
		defer c.Close()
		// The reader answers pings and close frames and notices the end.
		gone := make(chan struct{})
		go func() {
			defer close(gone)
			for {
				if _, _, err := c.ReadMessage(); err != nil {
					return
				}
			}
		}()
		t := time.NewTicker(interval)
		defer t.Stop()
		buf := make([]byte, 0, 32)
		for seq := 1; ; seq++ {
			select {
			case <-gone:
				return
			case <-r.Context().Done():
				return
			case <-t.C:
			}
			buf = append(append(append(buf[:0], `{"seq":`...), strconv.Itoa(seq)...), '}')
			if err := c.WriteMessage(websocket.TextMessage, buf); err != nil {
				return
			}
		}
	})
}
