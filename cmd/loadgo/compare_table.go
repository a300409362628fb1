package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/loadgo/loadgo/reporters"
	"github.com/loadgo/loadgo/runner/metrics"
)

// compareSchema names the JSON document of `loadgo compare -o json=FILE`.
const compareSchema = "loadgo.compare/v1"

// failedShare is the error share (percent) past which a scenario's numbers
// are not ranked: most of what it measured is failures.
const failedShare = 50

// Ranking keys of a compared scenario.
const (
	rankedByDelivery = "delivery_p95"
	rankedByRequest  = "request_p95"
)

// compareLatency is a latency distribution in milliseconds.
type compareLatency struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
}

// compareRow is one scenario's line of the comparison.
type compareRow struct {
	Scenario string `json:"scenario"`
	File     string `json:"file"`
	// Rank is 1 for the best; 0 when the scenario is flagged (not ranked).
	Rank int `json:"rank"`
	// RankedBy is rankedByDelivery, or rankedByRequest for a scenario that
	// measured no deliveries; "" when not ranked.
	RankedBy string `json:"ranked_by"`
	// Flag says why the scenario is not ranked ("" when it is).
	Flag string `json:"flag"`
	// Notes are findings that do not stop ranking (failed thresholds,
	// SSE streams closed early, ...).
	Notes []string `json:"notes"`
	// Delivery is the delivery latency; nil when nothing was delivered.
	Delivery   *compareLatency `json:"delivery_ms"`
	RequestP95 *float64        `json:"request_p95_ms"`
	Sends      int64           `json:"sends"`
	Expected   int64           `json:"expected"`
	Delivered  int64           `json:"delivered"`
	Missing    int64           `json:"missing"`
	Duplicates int64           `json:"duplicates"`
	OutOfGroup int64           `json:"out_of_group"`
	// DeliveryRatio is Delivered/Expected; nil when nothing was expected.
	DeliveryRatio *float64 `json:"delivery_ratio"`
	MessagesPerS  float64  `json:"messages_per_s"`
	RequestsPerS  float64  `json:"requests_per_s"`
	// Connections is the peak of real-time connections open at once.
	Connections  int64   `json:"connections_peak"`
	BytesPerUser float64 `json:"bytes_per_user"`
	Errors       int64   `json:"errors"`
	// ErrorRate is Errors in percent of the operations (requests and
	// real-time sends).
	ErrorRate float64 `json:"error_rate"`
	// Realtime is set when the run did anything real-time (otherwise the
	// real-time columns are not applicable).
	Realtime         bool    `json:"realtime"`
	ThresholdsPassed bool    `json:"thresholds_passed"`
	Interrupted      bool    `json:"interrupted"`
	DurationS        float64 `json:"duration_s"`
}

// compareDoc is the JSON document of the comparison.
type compareDoc struct {
	Schema string       `json:"schema"`
	Rows   []compareRow `json:"rows"`
}

// streamErrors are the real-time failures that are not request samples.
var streamErrors = []metrics.RTCounter{
	metrics.WSAbnormalCloses, metrics.SSEBadContentType, metrics.SSECutMidEvent,
	metrics.SSEClosedEarly, metrics.SSELineTooLong, metrics.STOMPErrors,
}

// receipts are the delivery counters of messages received.
var receipts = []metrics.RTCounter{
	metrics.DeliveryDelivered, metrics.DeliveryDuplicate, metrics.DeliveryOutOfGroup,
	metrics.DeliverySelf, metrics.DeliveryOutside, metrics.DeliveryUnparsed,
}

// rowOf reduces one run's summary to its comparison row (not yet ranked).
func rowOf(name, file string, sum *metrics.Summary) compareRow {
	d := reporters.RunDuration(sum)
	row := compareRow{
		Scenario:         name,
		File:             file,
		ThresholdsPassed: sum.Passed,
		Interrupted:      sum.Interrupted,
		DurationS:        d.Seconds(),
		RequestsPerS:     reporters.Rate(sum.Total.Count, d),
		Errors:           sum.Total.Errors,
	}
	if sum.Total.Count > 0 {
		p95 := millis(sum.Total.Percentile(95))
		row.RequestP95 = &p95
	}
	ops := sum.Total.Count
	bytes := sum.Total.BytesIn + sum.Total.BytesOut
	if rt := sum.Realtime; rt != nil {
		row.Realtime = true
		c := &rt.Counters
		for _, k := range streamErrors {
			row.Errors += c[k]
		}
		ops += c[metrics.WSMessagesOut] + c[metrics.STOMPFramesOut]
		bytes += c[metrics.WSBytesIn] + c[metrics.WSBytesOut] + c[metrics.SSEBytesIn]
		row.Sends, row.Expected, row.Delivered = c[metrics.DeliverySends], c[metrics.DeliveryExpected], c[metrics.DeliveryDelivered]
		row.Missing, row.Duplicates, row.OutOfGroup = rt.Missing(), c[metrics.DeliveryDuplicate], c[metrics.DeliveryOutOfGroup]
		if row.Expected > 0 {
			r := rt.DeliveryRatio()
			row.DeliveryRatio = &r
		}
		var received int64
		for _, k := range receipts {
			received += c[k]
		}
		if received == 0 {
			received = c[metrics.WSMessagesIn] + c[metrics.SSEEvents] + c[metrics.STOMPMessages]
		}
		row.MessagesPerS = reporters.Rate(received, d)
		row.Connections = rt.PeakConns
		if h := rt.Timings[metrics.TimingDelivery]; h != nil && h.TotalCount() > 0 {
			row.Delivery = &compareLatency{P50: histMillis(h.ValueAtPercentile(50)), P95: histMillis(h.ValueAtPercentile(95)), P99: histMillis(h.ValueAtPercentile(99))}
		}
		if n := c[metrics.SSEClosedEarly]; n > 0 {
			row.Notes = append(row.Notes, fmt.Sprintf("%d SSE stream%s closed early", n, plural(int(n))))
		}
	}
	if sum.VUs.Created > 0 {
		row.BytesPerUser = float64(bytes) / float64(sum.VUs.Created)
	}
	if ops > 0 {
		row.ErrorRate = 100 * float64(row.Errors) / float64(ops)
	}
	row.Flag = flagOf(&row, ops)
	if !row.ThresholdsPassed && !row.Interrupted {
		row.Notes = append(row.Notes, "thresholds failed")
	}
	return row
}

// flagOf says why a row must not be ranked, "" when its numbers stand: a
// run that was interrupted, did nothing, mostly failed, delivered nothing
// it sent, or delivered across groups.
func flagOf(r *compareRow, ops int64) string {
	switch {
	case r.Interrupted:
		return "INTERRUPTED — partial numbers: not ranked"
	case ops == 0:
		return "FAILED — nothing ran: not ranked"
	case r.ErrorRate > failedShare:
		return fmt.Sprintf("FAILED — %s%% of requests failed: not ranked", strconv.FormatFloat(math.Floor(r.ErrorRate), 'f', 0, 64))
	case r.Sends > 0 && r.Expected == 0:
		return fmt.Sprintf("FAILED — %d messages sent, nobody was listening: not ranked", r.Sends)
	case r.Sends > 0 && r.Delivered == 0:
		return fmt.Sprintf("FAILED — none of %d expected deliveries arrived: not ranked", r.Expected)
	case r.OutOfGroup > 0:
		return fmt.Sprintf("FAILED — %d messages reached another group: not ranked", r.OutOfGroup)
	}
	return ""
}

// rankRows ranks the unflagged rows, those with deliveries by delivery p95
// first, then those without by request p95 (ties by p99, then name), and
// returns the rows in table order: ranked rows by rank, then flagged rows
// in their original order.
func rankRows(rows []compareRow) []compareRow {
	out := slices.Clone(rows)
	key := func(r *compareRow) (group int, p95, p99 float64) {
		switch {
		case r.Flag != "":
			return 2, 0, 0
		case r.Delivery != nil:
			return 0, r.Delivery.P95, r.Delivery.P99
		case r.RequestP95 != nil:
			return 1, *r.RequestP95, 0
		}
		return 1, math.Inf(1), 0
	}
	slices.SortStableFunc(out, func(a, b compareRow) int {
		ga, a95, a99 := key(&a)
		gb, b95, b99 := key(&b)
		if ga != gb || ga == 2 {
			return cmp.Compare(ga, gb)
		}
		return cmp.Or(cmp.Compare(a95, b95), cmp.Compare(a99, b99), strings.Compare(a.Scenario, b.Scenario))
	})
	for i := range out {
		r := &out[i]
		r.Rank, r.RankedBy = 0, ""
		if g, _, _ := key(r); g < 2 {
			r.Rank, r.RankedBy = i+1, rankedByDelivery
			if g == 1 {
				r.RankedBy = rankedByRequest
			}
		}
	}
	return out
}

// writeCompareTable prints the ranked rows as one aligned table, then the
// flags and notes, one line per scenario that has any.
func writeCompareTable(w io.Writer, rows []compareRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := []string{"rank", "scenario", "deliv p50", "p95", "p99", "delivered", "dup", "msgs/s", "req/s", "conns", "bytes/user", "errors"}
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		cells := []string{"—", r.Scenario}
		if r.Rank > 0 {
			cells[0] = strconv.Itoa(r.Rank)
		}
		if r.Flag != "" {
			word, _, _ := strings.Cut(r.Flag, " ")
			cells = append(cells, word, "", "", "", "", "", "", "", "", strconv.FormatInt(r.Errors, 10))
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
			continue
		}
		lat := []string{"—", "—", "—"}
		if r.Delivery != nil {
			lat = []string{msText(r.Delivery.P50), msText(r.Delivery.P95), msText(r.Delivery.P99)}
		}
		ratio := "—"
		if r.DeliveryRatio != nil {
			ratio = strconv.FormatFloat(100**r.DeliveryRatio, 'f', 1, 64) + "%"
		}
		dup, msgs, conns := "—", "—", "—"
		if r.Realtime {
			dup, msgs, conns = strconv.FormatInt(r.Duplicates, 10), rateText(r.MessagesPerS), strconv.FormatInt(r.Connections, 10)
		}
		cells = append(cells, lat...)
		cells = append(cells, ratio, dup, msgs, rateText(r.RequestsPerS), conns, bytesText(r.BytesPerUser), strconv.FormatInt(r.Errors, 10))
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var b strings.Builder
	for _, r := range rows {
		var parts []string
		if r.Flag != "" {
			parts = append(parts, r.Flag)
		}
		if r.RankedBy == rankedByRequest {
			parts = append(parts, "no deliveries measured: ranked by request p95")
		}
		parts = append(parts, r.Notes...)
		if len(parts) > 0 {
			fmt.Fprintf(&b, "%s: %s\n", r.Scenario, strings.Join(parts, "; "))
		}
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	b.WriteString("delivery latency in ms (receipt − send, one clock); delivered = delivered/expected; conns = peak real-time connections\n")
	_, err := io.WriteString(w, "\n"+b.String())
	return err
}

// compareJSON returns the comparison document.
func compareJSON(rows []compareRow) ([]byte, error) {
	doc := compareDoc{Schema: compareSchema, Rows: rows}
	for i := range doc.Rows {
		if doc.Rows[i].Notes == nil {
			doc.Rows[i].Notes = []string{}
		}
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding the comparison: %w", err)
	}
	return append(data, '\n'), nil
}

// millis converts d to milliseconds, rounded to the microsecond.
func millis(d time.Duration) float64 {
	return float64(d.Round(time.Microsecond)/time.Microsecond) / 1000
}

// histMillis converts a histogram value in microseconds to milliseconds.
func histMillis(us int64) float64 { return float64(us) / 1000 }

// msText formats milliseconds with two decimals.
func msText(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// rateText formats a per-second rate with one decimal.
func rateText(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// bytesText formats a byte count in IEC units.
func bytesText(v float64) string {
	const unit = 1024
	if v < unit {
		return strconv.FormatFloat(v, 'f', 0, 64) + " B"
	}
	suffixes := []string{"KiB", "MiB", "GiB", "TiB"}
	i := -1
	for v >= unit && i < len(suffixes)-1 {
		v /= unit
		i++
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + suffixes[i]
}
