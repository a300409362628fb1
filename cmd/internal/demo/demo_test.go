package demo

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func start(t *testing.T) *Server {
	t.Helper()
	s, err := Start("127.0.0.1:0", Options{Shows: 30})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func call(t *testing.T, method, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(data) > 0 {
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s %s: not JSON: %q", method, url, data)
		}
	}
	return resp.StatusCode, m
}

func TestStartRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "10.0.0.1:0", "example.com:80", "nonsense"} {
		if s, err := Start(addr, Options{}); err == nil {
			s.Close()
			t.Errorf("Start(%q) succeeded; only loopback is allowed", addr)
		}
	}
}

func TestAPI(t *testing.T) {
	s := start(t)
	u := s.URL()

	// Login needs both fields; a token comes back.
	if code, _ := call(t, "POST", u+"/login", "", `{"username":"ada"}`); code != 401 {
		t.Errorf("login without password: %d, want 401", code)
	}
	code, m := call(t, "POST", u+"/login", "", `{"username":"ada","password":"x"}`)
	tok, _ := m["token"].(string)
	if code != 200 || len(tok) != 32 {
		t.Fatalf("login: %d %v", code, m)
	}

	// Paging: 30 shows in pages of 20 → cursor 20, then the last page of 10.
	code, m = call(t, "GET", u+"/shows", "", "")
	if code != 200 || len(m["items"].([]any)) != 20 || m["next_cursor"].(float64) != 20 {
		t.Fatalf("first page: %d next=%v", code, m["next_cursor"])
	}
	_, m = call(t, "GET", u+"/shows?cursor=20", "", "")
	if len(m["items"].([]any)) != 10 || m["next_cursor"].(float64) != 0 {
		t.Errorf("last page: %d items, next=%v", len(m["items"].([]any)), m["next_cursor"])
	}
	if code, _ := call(t, "GET", u+"/shows?limit=0", "", ""); code != 400 {
		t.Errorf("limit=0: %d, want 400", code)
	}

	// Writes need a token.
	if code, _ := call(t, "POST", u+"/shows", "", `{"title":"x"}`); code != 401 {
		t.Errorf("create without token: %d", code)
	}
	code, m = call(t, "POST", u+"/shows", tok, `{"title":"New","genre":"drama"}`)
	if code != 201 || m["id"].(float64) != 31 {
		t.Fatalf("create: %d %v", code, m)
	}
	if code, m = call(t, "PUT", u+"/shows/31", tok, `{"title":"Renamed"}`); code != 200 || m["title"] != "Renamed" {
		t.Errorf("update: %d %v", code, m)
	}
	if code, _ = call(t, "DELETE", u+"/shows/31", tok, ""); code != 204 {
		t.Errorf("delete: %d", code)
	}
	if code, _ = call(t, "GET", u+"/shows/31", "", ""); code != 404 {
		t.Errorf("deleted show: %d, want 404", code)
	}
	if code, _ = call(t, "GET", u+"/status/503", "", ""); code != 503 {
		t.Errorf("status: %d", code)
	}
	if code, _ = call(t, "GET", u+"/nope", "", ""); code != 404 {
		t.Errorf("unknown path: %d", code)
	}
}

func TestViewCounterIsExactUnderConcurrency(t *testing.T) {
	s := start(t)
	const n = 200
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			resp, err := http.Get(s.URL() + "/shows/7")
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		})
	}
	wg.Wait()
	_, m := call(t, "GET", s.URL()+"/shows/7", "", "")
	if v := m["views"].(float64); v != n+1 {
		t.Errorf("views = %v, want %d", v, n+1)
	}
	// Every API request was counted; /stats and /health are not.
	call(t, "GET", s.URL()+"/health", "", "")
	_, st := call(t, "GET", s.URL()+"/stats", "", "")
	if got := st["requests"].(float64); got != n+1 || s.Requests() != n+1 {
		t.Errorf("requests = %v / %d, want %d", got, s.Requests(), n+1)
	}
}
