package demo

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
)

// show is one entry of the catalogue.
type show struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Genre string `json:"genre"`
	// views is read and written atomically: the safe counter.
	views atomic.Int64
}

// showJSON is the wire form of a show.
type showJSON struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Genre string `json:"genre"`
	Views int64  `json:"views"`
}

func (s *show) view() showJSON {
	return showJSON{ID: s.ID, Title: s.Title, Genre: s.Genre, Views: s.views.Load()}
}

var genres = []string{"drama", "comedy", "documentary", "thriller", "animation"}

// store is the demo's in-memory state: shows by id and issued tokens.
type store struct {
	mu     sync.RWMutex
	shows  map[int64]*show
	nextID int64
	tokens map[string]string // token → username
}

func newStore(n int) *store {
	st := &store{shows: make(map[int64]*show, n), tokens: map[string]string{}}
	for i := 1; i <= n; i++ {
		st.add(fmt.Sprintf("Show %d", i), genres[i%len(genres)])
	}
	return st
}

// add inserts a show and returns it. Callers hold no lock.
func (st *store) add(title, genre string) *show {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.nextID++
	sh := &show{ID: st.nextID, Title: title, Genre: genre}
	st.shows[sh.ID] = sh
	return sh
}

// view returns the wire form of sh, read under the store's lock because
// updates change its title and genre.
func (st *store) view(sh *show) showJSON {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return sh.view()
}

func (st *store) get(id int64) *show {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.shows[id]
}

func (st *store) remove(id int64) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.shows[id]; !ok {
		return false
	}
	delete(st.shows, id)
	return true
}

func (st *store) update(id int64, title, genre string) (*show, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	sh, ok := st.shows[id]
	if !ok {
		return nil, false
	}
	if title != "" {
		sh.Title = title
	}
	if genre != "" {
		sh.Genre = genre
	}
	return sh, true
}

// page returns up to limit shows with id > after, in id order, and the
// cursor of the next page (0 when there is none).
func (st *store) page(after int64, limit int) ([]showJSON, int64) {
	st.mu.RLock()
	ids := make([]int64, 0, len(st.shows))
	for id := range st.shows {
		if id > after {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var next int64
	if len(ids) > limit {
		ids = ids[:limit]
		next = ids[limit-1]
	}
	out := make([]showJSON, len(ids))
	for i, id := range ids {
		out[i] = st.shows[id].view()
	}
	st.mu.RUnlock()
	return out, next
}

// login issues a new bearer token for user.
func (st *store) login(user string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	st.mu.Lock()
	st.tokens[tok] = user
	st.mu.Unlock()
	return tok
}

func (st *store) user(token string) (string, bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	u, ok := st.tokens[token]
	return u, ok
}
