package console

import "github.com/loadgo/loadgo/reporters"

// corrected writes the closed model's latency corrected for coordinated
// omission, beside (not instead of) the raw table.
func (sw *summaryWriter) corrected() {
	cells := [][]string{{"corrected (ms)", "p50", "p90", "p99", "p99.9", "max"}}
	for _, r := range sw.rows() {
		l := reporters.CorrectedOf(r.stats)
		cells = append(cells, append([]string{r.name}, msCells(l, l.P50, l.P90, l.P99, l.P999, l.Max)...))
	}
	sw.buf.WriteString("\nclosed model, corrected for coordinated omission (HdrHistogram correction; see notes)\n")
	sw.table(cells, false)
}
