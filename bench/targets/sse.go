package targets

import (
	"net/http"
	"strconv"
	"time"
)

// SSE streams Server-Sent Events: an event with a sequence number every
// interval until the client goes away, for the connection-scale benchmark.
// It records no handler time (a stream has no response time).
func SSE(interval time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := w.(http.Flusher)
		if !ok {
			http.Error(w, "streaming unsupported", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusOK)
		f.Flush()
		t := time.NewTicker(interval)
		defer t.Stop()
		buf := make([]byte, 0, 64)
		for seq := 1; ; seq++ {
			select {
			case <-r.Context().Done():
				return
			case <-t.C:
			}
			buf = append(append(append(buf[:0], "id: "...), strconv.Itoa(seq)...), "\nevent: tick\ndata: {}\n\n"...)
			if _, err := w.Write(buf); err != nil {
				return
			}
			f.Flush()
		}
	})
}
