// Package influxdb streams a run's results to InfluxDB through the v2 write
// API (InfluxDB 2.x, and 1.8+ with bucket "db/rp" and token "user:password"
// or empty), and reads a run back from it.
//
// Data is aggregated at the source: one point per series per interval, with
// the interval's HDR histogram so that percentiles across intervals and
// instances can be merged exactly later (ReadRun does, for loadgo report).
// The schema is in schema.go and docs/INFLUXDB.md.
//
// The reporter never blocks the run: snapshots go through a bounded queue to
// a writer goroutine that encodes them, writes with a per-write timeout and
// retries with backoff. When InfluxDB is down or slow the run goes on, one
// warning says so, and the intervals that were not delivered are counted
// (Undelivered, Notes). Finish flushes what is queued within a deadline.
package influxdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sync"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/runner/metrics"
)

// Defaults of Config.
const (
	DefaultQueueSize    = 300
	DefaultWriteTimeout = 5 * time.Second
	DefaultRetries      = 3
	DefaultRetryBackoff = 250 * time.Millisecond
	DefaultFlushTimeout = 15 * time.Second
)

// Config says where and how to write.
type Config struct {
	// URL is InfluxDB's base URL, e.g. http://127.0.0.1:8086.
	URL string
	// Org is the organisation (2.x); ignored by 1.8.
	Org string
	// Bucket is the bucket (2.x), or "db/rp" or "db" (1.8).
	Bucket string
	// Token is the API token (2.x), "user:password" or "" (1.8). It is
	// never printed.
	Token string
	// RunID tags every point; NewRunID makes one.
	RunID string
	// Instance names this load generator (tag "instance").
	Instance string
	// QueueSize bounds the items (intervals, events) waiting to be written.
	QueueSize int
	// WriteTimeout bounds one write request.
	WriteTimeout time.Duration
	// Retries is how many times a failed write is retried; RetryBackoff the
	// first wait between attempts, doubled each time.
	Retries      int
	RetryBackoff time.Duration
	// FlushTimeout bounds Finish: the final flush and the end events.
	FlushTimeout time.Duration
	// Log receives the run ID line and warnings; nil discards them.
	Log io.Writer
}

func (c *Config) defaults() {
	if c.QueueSize <= 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.Retries < 0 {
		c.Retries = 0
	}
	if c.RetryBackoff <= 0 {
		c.RetryBackoff = DefaultRetryBackoff
	}
	if c.FlushTimeout <= 0 {
		c.FlushTimeout = DefaultFlushTimeout
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	if c.Instance == "" {
		c.Instance = "local"
	}
}

// Validate checks the URL and the bucket, without contacting InfluxDB.
func (c *Config) Validate() error {
	u, err := url.Parse(c.URL)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("influxdb URL %q: want http(s)://host:port", Redact(c.URL))
	}
	if c.Bucket == "" {
		return errors.New("influxdb: no bucket (--influx-bucket or LOADGO_INFLUX_BUCKET; on 1.8 \"db/rp\")")
	}
	return nil
}

// Redact returns rawURL without its password, for messages.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// NewRunID returns a run ID: the start time (UTC, to the second) and 4
// random hex digits, e.g. 20250102-150405-a1b2.
func NewRunID(t time.Time) string {
	var b [2]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return t.UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}

// Reporter writes a run to InfluxDB. Its methods follow the
// reporters.Reporter contract; Report never blocks.
type Reporter struct {
	cfg    Config
	client influxdb2.Client
	sink   *sink

	mu       sync.Mutex
	info     reporters.RunInfo
	warned   bool
	finished bool
}

var (
	_ reporters.Reporter = (*Reporter)(nil)
	_ reporters.Noter    = (*Reporter)(nil)
)

// New returns a reporter for cfg. It does not contact InfluxDB: a server
// that is down costs undelivered intervals, never the run.
func New(cfg Config) (*Reporter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.defaults()
	if cfg.RunID == "" {
		cfg.RunID = NewRunID(time.Now())
	}
	opts := influxdb2.DefaultOptions().SetPrecision(time.Nanosecond).SetUseGZip(true)
	client := influxdb2.NewClientWithOptions(cfg.URL, cfg.Token, opts)
	r := &Reporter{cfg: cfg, client: client}
	return r, nil
}

// RunID returns the run ID every point is tagged with.
func (r *Reporter) RunID() string { return r.cfg.RunID }

// warn writes the first warning only: one is enough to tell the user, the
// counts come in the summary.
func (r *Reporter) warn(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.warned {
		return
	}
	r.warned = true
	fmt.Fprintf(r.cfg.Log, "warning: influxdb: "+format+"\n", args...)
}

// Start starts the writer and queues the run start event.
func (r *Reporter) Start(info reporters.RunInfo) error {
	r.mu.Lock()
	r.info = info
	r.mu.Unlock()
	rt := runTags{RunID: r.cfg.RunID, Scenario: info.Scenario, Instance: r.cfg.Instance}
	if rt.Scenario == "" {
		rt.Scenario = "-"
	}
	w := r.client.WriteAPIBlocking(r.cfg.Org, r.cfg.Bucket)
	r.sink = newSink(r.cfg, rt, w.WritePoint, r.warn)
	fmt.Fprintf(r.cfg.Log, "influxdb: writing run %s to %s (bucket %s)\n", r.cfg.RunID, Redact(r.cfg.URL), r.cfg.Bucket)
	r.sink.enqueue(item{event: startPoint(rt, info)})
	return nil
}

// Report queues the snapshot for writing; when the queue is full the
// interval is dropped and counted. It never blocks.
func (r *Reporter) Report(s *metrics.Snapshot) {
	if s == nil || r.sink == nil {
		return
	}
	r.sink.enqueue(item{snap: s})
}

// Finish writes what is queued, then the run end and threshold events,
// all within Config.FlushTimeout; whatever is left is counted undelivered.
// Delivery failures are not errors (the run's results are complete
// locally): they are reported by Undelivered and Notes.
func (r *Reporter) Finish(sum *metrics.Summary) error {
	if r.sink == nil {
		return errors.New("influxdb: Finish before Start")
	}
	r.mu.Lock()
	if r.finished {
		r.mu.Unlock()
		return nil
	}
	r.finished = true
	info := r.info
	r.mu.Unlock()
	defer r.client.Close()
	deadline := time.Now().Add(r.cfg.FlushTimeout)
	r.sink.close(deadline)
	if sum == nil {
		return nil
	}
	intervals, undelivered, _, _ := r.sink.counts()
	pts := endPoints(r.sink.rt, info, sum, intervals, undelivered)
	ctx, cancel := context.WithDeadline(context.Background(), deadline.Add(r.cfg.WriteTimeout))
	defer cancel()
	if err := r.sink.writeRetrying(ctx, pts); err != nil {
		r.sink.lost(make([]item, len(pts)))
		r.warn("writing the run's end events failed: %v", err)
	}
	return nil
}

// Undelivered returns the number of intervals that were not written to
// InfluxDB (dropped from a full queue, or given up after retries).
func (r *Reporter) Undelivered() int64 {
	if r.sink == nil {
		return 0
	}
	_, n, _, _ := r.sink.counts()
	return n
}

// PointsWritten returns the number of points InfluxDB accepted.
func (r *Reporter) PointsWritten() int64 {
	if r.sink == nil {
		return 0
	}
	_, _, _, n := r.sink.counts()
	return n
}

// Notes says, after Finish, what did not reach InfluxDB; nil when
// everything did.
func (r *Reporter) Notes() []string {
	if r.sink == nil {
		return nil
	}
	intervals, undelivered, events, _ := r.sink.counts()
	var notes []string
	if undelivered > 0 {
		notes = append(notes, fmt.Sprintf("influxdb: %d of %d intervals were not delivered (run %s); the local results are complete, the run stored in InfluxDB is not",
			undelivered, intervals, r.cfg.RunID))
	}
	if events > 0 {
		notes = append(notes, fmt.Sprintf("influxdb: %d run events (start, end, thresholds) were not delivered (run %s)", events, r.cfg.RunID))
	}
	return notes
}
