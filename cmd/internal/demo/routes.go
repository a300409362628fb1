package demo

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// routes builds the demo API:
//
//	GET    /health                 liveness, not counted
//	GET    /stats                  requests seen, per route; not counted
//	POST   /login                  {"username","password"} → {"token"}
//	GET    /shows?cursor=&limit=   a page of shows and "next_cursor" (0 = last page)
//	GET    /shows/{id}             one show; increments its view counter (Device-Token: once a day)
//	GET    /shows/{id}/views       {"id","views"}, without counting a view
//	POST   /shows                  create (Bearer token) → 201 {"id",...}
//	PUT    /shows/{id}             update (Bearer token)
//	DELETE /shows/{id}             delete (Bearer token) → 204
//	GET    /delay/{ms}             answers after ms milliseconds (≤ 10000)
//	GET    /status/{code}          answers with that status code
//	real-time endpoints            see realtimeRoutes
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"requests": s.requests.Load(), "routes": s.byRoute.snapshot(),
			"realtime": s.rt.snapshot(), "views": s.views.snapshot()})
	})
	mux.Handle(s.counted("POST /login", s.login))
	mux.Handle(s.counted("GET /shows", s.listShows))
	mux.Handle(s.counted("GET /shows/{id}", s.getShow))
	mux.Handle(s.counted("GET /shows/{id}/views", s.getViews))
	mux.Handle(s.counted("POST /shows", s.authed(s.createShow)))
	mux.Handle(s.counted("PUT /shows/{id}", s.authed(s.updateShow)))
	mux.Handle(s.counted("DELETE /shows/{id}", s.authed(s.deleteShow)))
	mux.Handle(s.counted("GET /delay/{ms}", s.delay))
	mux.Handle(s.counted("GET /status/{code}", s.status))
	s.realtimeRoutes(mux)
	mux.Handle(s.counted("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
	}))
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// maxBody bounds request bodies the demo reads.
const maxBody = 1 << 20

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.Username == "" || in.Password == "" {
		writeError(w, http.StatusUnauthorized, "username and password are required")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": s.store.login(in.Username), "username": in.Username})
}

// authed requires "Authorization: Bearer TOKEN" with a token from /login.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			writeError(w, http.StatusUnauthorized, "missing bearer token")
			return
		}
		if _, ok := s.store.user(tok); !ok {
			writeError(w, http.StatusUnauthorized, "unknown token")
			return
		}
		h(w, r)
	}
}

func (s *Server) listShows(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 20
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeError(w, http.StatusBadRequest, "limit must be 1..100")
			return
		}
		limit = n
	}
	var after int64
	if v := q.Get("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "invalid cursor")
			return
		}
		after = n
	}
	items, next := s.store.page(after, limit)
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

func (s *Server) showFromPath(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid show id")
		return 0, false
	}
	return id, true
}

// showOf returns the show the request's {id} names, answering 400 or 404
// itself when there is none.
func (s *Server) showOf(w http.ResponseWriter, r *http.Request) (*show, bool) {
	id, ok := s.showFromPath(w, r)
	if !ok {
		return nil, false
	}
	sh := s.store.get(id)
	if sh == nil {
		writeError(w, http.StatusNotFound, "no such show")
		return nil, false
	}
	return sh, true
}

func (s *Server) getShow(w http.ResponseWriter, r *http.Request) {
	sh, ok := s.showOf(w, r)
	if !ok {
		return
	}
	s.views.count(sh, r.Header.Get("Device-Token"))
	writeJSON(w, http.StatusOK, s.store.view(sh))
}

type showInput struct {
	Title string `json:"title"`
	Genre string `json:"genre"`
}

func (s *Server) createShow(w http.ResponseWriter, r *http.Request) {
	var in showInput
	if !decode(w, r, &in) {
		return
	}
	if in.Title == "" {
		writeError(w, http.StatusUnprocessableEntity, "title is required")
		return
	}
	sh := s.store.add(in.Title, in.Genre)
	writeJSON(w, http.StatusCreated, s.store.view(sh))
}

func (s *Server) updateShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.showFromPath(w, r)
	if !ok {
		return
	}
	var in showInput
	if !decode(w, r, &in) {
		return
	}
	sh, ok := s.store.update(id, in.Title, in.Genre)
	if !ok {
		writeError(w, http.StatusNotFound, "no such show")
		return
	}
	writeJSON(w, http.StatusOK, s.store.view(sh))
}

func (s *Server) deleteShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.showFromPath(w, r)
	if !ok {
		return
	}
	if !s.store.remove(id) {
		writeError(w, http.StatusNotFound, "no such show")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) delay(w http.ResponseWriter, r *http.Request) {
	ms, err := strconv.Atoi(r.PathValue("ms"))
	if err != nil || ms < 0 || ms > 10000 {
		writeError(w, http.StatusBadRequest, "ms must be 0..10000")
		return
	}
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		writeJSON(w, http.StatusOK, map[string]int{"delayed_ms": ms})
	case <-r.Context().Done():
	}
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	code, err := strconv.Atoi(r.PathValue("code"))
	if err != nil || code < 200 || code > 599 {
		writeError(w, http.StatusBadRequest, "code must be 200..599")
		return
	}
	writeJSON(w, code, map[string]int{"status": code})
}
