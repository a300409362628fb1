// Package runner compiles a scenario into a plan and runs it: one executor per
// phase, VU goroutines, the interval aggregator and graceful stop.
//
// # Plan
//
// New compiles every flow once (runner/engine) and turns each phase into an
// executor: an open-model executor with a pacer for arrivalRate and
// arrivalCount phases, a closed-model executor for vus phases, and a pause.
// Phases run in order. Phases returns the plan as this instance will run it.
//
// # Open model (arrivalRate, arrivalCount)
//
// A scheduler goroutine sleeps (time.Timer, monotonic clock) until each
// arrival's due time, a pure function of the arrival number (the pacer),
// and starts a new VU goroutine that makes its VU, runs one iteration and
// closes it. The scheduler never waits on responses. When it wakes late the
// arrival still carries its original due time as the iteration's intended
// start, so http.response_time_intended shows the lateness instead of hiding
// it. Concurrency is capped by the phase's maxVusers, else Options.MaxVUs;
// an arrival that finds the cap reached is dropped and counted (VUStats.Dropped),
// never queued, and the summary says that latency is then understated.
// Open-model VUs started in a phase may keep running into the next phases,
// as in Artillery; they record into the series of the phase that started them.
//
// VU counters of the open model: Created counts VUs made, Completed VUs whose
// iteration finished, Failed VUs whose iteration was aborted by a failed
// request, expectation or capture. A VU cancelled in flight (after the grace
// period) counts as neither; the summary notes how many there were.
//
// # Closed model (vus)
//
// VUs VUs loop the flow for the phase's duration, ramping linearly to RampTo
// when set: with target(t) = VUs + (RampTo−VUs)·t/D, VU j (0-based) runs
// while target(t) > j. Ramping up starts VU j when the target first exceeds
// j; ramping down stops the highest VUs at their next iteration boundary,
// never mid-iteration. At the phase's end no new iteration starts; in-flight
// iterations finish while the next phase runs.
//
// VU counters of the closed model follow k6: Created counts VUs started
// (once each), Completed counts completed iterations and Failed counts
// aborted iterations; Active is the number of VUs running.
//
// Closed-model latency percentiles understate the tail when the server
// slows down (coordinated omission): a slow response delays the VU's next
// request, so the slow period is sampled less. The summary says so; use an
// open-model phase and http.response_time_intended for the corrected view.
//
// # Graceful stop
//
// Two contexts, as in k6: the stop context ends new work (no new arrivals,
// no new iterations) and the hard context cancels in-flight requests.
// Cancelling the context passed to Run cancels the stop context at once;
// after the last phase, or after such a stop, in-flight VUs get
// Options.GracePeriod to finish before the hard context is cancelled. The
// after flow runs once after that, bounded by its own grace period.
//
// # Segments
//
// "--segment i/n" runs a disjoint share of the plan: arrival n (0-based)
// belongs to segment (n mod Count)+1, closed-model VU j to segment
// (j mod Count)+1, and a phase's maxVusers is split the same way. The n
// segments add up to the unsplit run, so n instances started together
// produce the unsplit load.
//
// # Metrics
//
// VU id v records into metrics shard v mod (4·GOMAXPROCS). Every
// Options.Interval the aggregator collects the shards into a snapshot; one
// final snapshot is collected when all work has ended, then the summary is
// built and config.ensure is evaluated into it.
package runner
