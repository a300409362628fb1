package influxdb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/influxdata/influxdb-client-go/v2/api/write"

	"github.com/loadgo/loadgo/runner/metrics"
)

// writeFunc writes points, giving up when ctx ends.
type writeFunc func(ctx context.Context, pts ...*write.Point) error

// item is one unit of queued work: an interval or an event.
type item struct {
	snap  *metrics.Snapshot
	event *write.Point
}

// sink moves queued items to InfluxDB on its own goroutine, so that the run
// never waits for the network: the queue is bounded, items that do not fit
// are dropped and counted, every write has a timeout, failed writes are
// retried with exponential backoff and then given up and counted.
//
// Consecutive queued items are written in one request (up to maxBatch
// points), so a writer that fell behind catches up in few requests.
type sink struct {
	cfg   Config
	rt    runTags
	write writeFunc
	warn  func(format string, args ...any)

	queue chan item
	// ctx ends the writer's work in flight: cancelled when Finish's
	// deadline passes.
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	// Only the writer goroutine touches vuPrev.
	vuPrev metrics.VUStats

	mu          sync.Mutex
	intervals   int64 // intervals handed to Report
	undelivered int64 // intervals dropped or given up
	eventsLost  int64 // events dropped or given up
	points      int64 // points written
	writes      int64 // successful write requests
}

const maxBatch = 5000

func newSink(cfg Config, rt runTags, w writeFunc, warn func(string, ...any)) *sink {
	ctx, cancel := context.WithCancel(context.Background())
	s := &sink{
		cfg: cfg, rt: rt, write: w, warn: warn,
		queue: make(chan item, cfg.QueueSize),
		ctx:   ctx, cancel: cancel,
		done: make(chan struct{}),
	}
	go s.run()
	return s
}

// enqueue hands it to the writer without blocking; a full queue drops it.
func (s *sink) enqueue(it item) {
	if it.snap != nil {
		s.mu.Lock()
		s.intervals++
		s.mu.Unlock()
	}
	select {
	case s.queue <- it:
	default:
		s.lost([]item{it})
		s.warn("the queue to InfluxDB is full (InfluxDB is slow or down); intervals are dropped and counted")
	}
}

// lost counts items that will not be delivered.
func (s *sink) lost(its []item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range its {
		if it.snap != nil {
			s.undelivered++
		} else {
			s.eventsLost++
		}
	}
}

// run is the writer goroutine: it drains the queue until it is closed, then
// exits.
func (s *sink) run() {
	defer close(s.done)
	for it := range s.queue {
		batch := []item{it}
		// Take what else is queued right now, into the same request.
		for more := true; more && len(batch) < maxBatch/8; {
			select {
			case next, ok := <-s.queue:
				if !ok {
					more = false
					break
				}
				batch = append(batch, next)
			default:
				more = false
			}
		}
		s.deliver(batch)
	}
}

// deliver encodes and writes a batch, retrying, and counts it lost on
// failure. After the context is cancelled it only counts.
func (s *sink) deliver(batch []item) {
	if s.ctx.Err() != nil {
		s.lost(batch)
		return
	}
	pts := make([]*write.Point, 0, 2*len(batch))
	for _, it := range batch {
		if it.event != nil {
			pts = append(pts, it.event)
			continue
		}
		ps, err := snapshotPoints(s.rt, it.snap, s.vuPrev)
		if err != nil {
			// Cannot happen with the metrics package's histograms; count it
			// rather than lose the rest of the batch.
			s.lost([]item{it})
			s.warn("interval %d not written: %v", it.snap.Seq, err)
			continue
		}
		s.vuPrev = it.snap.VUs
		pts = append(pts, ps...)
	}
	if err := s.writeRetrying(s.ctx, pts); err != nil {
		s.lost(batch)
		s.warn("writing to InfluxDB failed, the run goes on and undelivered intervals are counted: %v", err)
		return
	}
	s.mu.Lock()
	s.points += int64(len(pts))
	s.writes++
	s.mu.Unlock()
}

// writeRetrying writes pts, each attempt with the write timeout, retrying
// up to cfg.Retries times with exponential backoff while ctx lasts.
func (s *sink) writeRetrying(ctx context.Context, pts []*write.Point) error {
	backoff := s.cfg.RetryBackoff
	var err error
	for attempt := 0; ; attempt++ {
		err = s.writeOnce(ctx, pts)
		if err == nil || attempt >= s.cfg.Retries || ctx.Err() != nil {
			break
		}
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		}
		backoff *= 2
	}
	return err
}

func (s *sink) writeOnce(ctx context.Context, pts []*write.Point) error {
	for start := 0; start < len(pts); start += maxBatch {
		end := min(start+maxBatch, len(pts))
		wctx, cancel := context.WithTimeout(ctx, s.cfg.WriteTimeout)
		err := s.write(wctx, pts[start:end]...)
		cancel()
		if err != nil {
			return fmt.Errorf("write of %d points: %w", end-start, err)
		}
	}
	return nil
}

// close stops accepting items and waits until the queue is written or the
// deadline passes; then it abandons the rest, which is counted as lost.
func (s *sink) close(deadline time.Time) {
	close(s.queue)
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case <-s.done:
	case <-t.C:
		s.cancel()
		<-s.done
	}
}

// counts returns the delivery counters.
func (s *sink) counts() (intervals, undelivered, eventsLost, points int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.intervals, s.undelivered, s.eventsLost, s.points
}
