package influxdb

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loadgo/loadgo/reporters/influxdb/influxtest"
	"github.com/loadgo/loadgo/runner/metrics"
)

// stallingInflux is a real HTTP server on loopback that answers writes
// only once released (never, if release is not called).
type stallingInflux struct {
	srv     *httptest.Server
	entered chan struct{} // one value per write request that arrived
	release chan struct{}
	once    sync.Once
}

func newStallingInflux(t *testing.T) *stallingInflux {
	s := &stallingInflux{entered: make(chan struct{}, 100), release: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.entered <- struct{}{}
		select {
		case <-s.release:
			w.WriteHeader(http.StatusNoContent)
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(s.srv.Close)
	t.Cleanup(s.Release) // runs first: handlers return, Close does not hang
	return s
}

// Release lets every pending and future write succeed.
func (s *stallingInflux) Release() { s.once.Do(func() { close(s.release) }) }

func TestReportNeverBlocksAndCountsDrops(t *testing.T) {
	infl := newStallingInflux(t)
	var log bytes.Buffer
	r, err := New(Config{URL: infl.srv.URL, Bucket: "b", RunID: "r", QueueSize: 2, Retries: 0, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeRun()
	if err := r.Start(f.info()); err != nil {
		t.Fatal(err)
	}
	<-infl.entered // the writer holds the start event, stalled
	for range 5 {
		r.Report(f.interval(10, false, 1)) // returns at once: 2 queued, 3 dropped
	}
	if n := r.Undelivered(); n != 3 {
		t.Fatalf("undelivered %d, want 3 (queue of 2, 5 intervals)", n)
	}
	infl.Release()
	if err := r.Finish(f.summary()); err != nil {
		t.Fatal(err)
	}
	if n := r.Undelivered(); n != 3 {
		t.Errorf("undelivered %d after Finish, want 3", n)
	}
	notes := r.Notes()
	if len(notes) != 1 || !strings.Contains(notes[0], "3 of 5 intervals were not delivered") {
		t.Errorf("notes %q", notes)
	}
	if c := strings.Count(log.String(), "warning:"); c != 1 {
		t.Errorf("%d warnings, want exactly 1:\n%s", c, log.String())
	}
}

func TestWriteTimeoutAndFlushDeadline(t *testing.T) {
	infl := newStallingInflux(t) // never released while the reporter runs
	var log bytes.Buffer
	r, err := New(Config{
		URL: infl.srv.URL, Bucket: "b", Token: "user:s3cret", RunID: "r",
		WriteTimeout: 20 * time.Millisecond, Retries: 1, RetryBackoff: time.Millisecond,
		FlushTimeout: 300 * time.Millisecond, Log: &log,
	})
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeRun()
	if err := r.Start(f.info()); err != nil {
		t.Fatal(err)
	}
	r.Report(f.interval(10, false, 1))
	r.Report(f.interval(10, false, 1))
	// Finish returns although InfluxDB never answers: every write times
	// out and the flush has a deadline.
	if err := r.Finish(f.summary()); err != nil {
		t.Fatalf("Finish: %v (delivery failures are notes, not errors)", err)
	}
	if n := r.Undelivered(); n != 2 {
		t.Errorf("undelivered %d, want 2", n)
	}
	if len(r.Notes()) != 2 {
		t.Errorf("notes %q, want the intervals and the events", r.Notes())
	}
	if strings.Contains(log.String(), "s3cret") || strings.Contains(strings.Join(r.Notes(), " "), "s3cret") {
		t.Error("the token was printed")
	}
	if c := strings.Count(log.String(), "warning:"); c != 1 {
		t.Errorf("%d warnings, want exactly 1:\n%s", c, log.String())
	}
}

func TestInfluxStoppedMidRunThenRestarted(t *testing.T) {
	p := influxtest.Start(t)
	cfg := Config{URL: p.URL, Bucket: influxtest.Database(t, p.URL)}
	cfg.RunID, cfg.Retries, cfg.RetryBackoff = "fault", 2, 10*time.Millisecond
	var log bytes.Buffer
	cfg.Log = &log
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeRun()
	if err := r.Start(f.info()); err != nil {
		t.Fatal(err)
	}
	delivered := f.interval(100, false, 1)
	r.Report(delivered)
	eventually(t, "the first interval written", func() bool { return r.PointsWritten() >= 3 })

	p.Stop()
	lost := f.interval(1000, false, 1)
	r.Report(lost)
	eventually(t, "the write to the stopped InfluxDB given up", func() bool { return r.Undelivered() == 1 })

	p.Restart()
	// Writes resume: these intervals go to the restarted InfluxDB.
	later := []*metrics.Snapshot{f.interval(200, false, 1), f.interval(300, false, 2)}
	for _, s := range later {
		r.Report(s)
	}
	if err := r.Finish(f.summary()); err != nil {
		t.Fatal(err)
	}
	if n := r.Undelivered(); n != 1 {
		t.Fatalf("undelivered %d, want 1; log:\n%s", n, log.String())
	}
	run, err := ReadRun(testCtx(t), SourceOf(cfg), "fault")
	if err != nil {
		t.Fatal(err)
	}
	want := delivered.Total.Count + later[0].Total.Count + later[1].Total.Count
	if run.Summary.Total.Count != want || run.Undelivered != 1 || run.Intervals != 4 {
		t.Errorf("read back %d requests, %d/%d intervals undelivered; want %d requests (the stopped interval's %d missing), 1/4",
			run.Summary.Total.Count, run.Undelivered, run.Intervals, want, lost.Total.Count)
	}
	if notes := strings.Join(run.Summary.Notes, "\n"); !strings.Contains(notes, "1 of 4 intervals") {
		t.Errorf("notes read back: %q", notes)
	}
}
