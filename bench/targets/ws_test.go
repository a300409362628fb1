package targets

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestWS checks that the WebSocket target sends numbered messages in order
// and refuses a request that is not a WebSocket handshake.
func TestWS(t *testing.T) {
	srv := httptest.NewServer(WS(time.Millisecond))
	defer srv.Close()
	tests := []struct {
		name string
		ws   bool // dial a WebSocket (else a plain GET)
	}{
		// A WebSocket client gets {"seq":1}, {"seq":2}, ... in order.
		{"messages in order", true},
		// A plain GET is refused by the upgrade with 400.
		{"not a handshake", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.ws {
				resp, err := http.Get(srv.URL)
				if err != nil {
					t.Fatal(err)
				}
				_ = resp.Body.Close()
				if resp.StatusCode != http.StatusBadRequest {
					t.Fatalf("status = %d, want 400", resp.StatusCode)
				}
				return
			}
			c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			for _, want := range []string{`{"seq":1}`, `{"seq":2}`, `{"seq":3}`} {
				_, data, err := c.ReadMessage()
				if err != nil {
					t.Fatal(err)
				}
				if string(data) != want {
					t.Fatalf("message = %s, want %s", data, want)
				}
			}
		})
	}
}
