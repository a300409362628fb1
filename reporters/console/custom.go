package console

import (
	"math"
	"strconv"
)

// custom writes the values metric steps recorded (custom.NAME): the last
// value, the extremes, the mean, the sum and the count, the names a
// threshold or condition reads.
func (sw *summaryWriter) custom() {
	rows := [][]string{{"custom", "last", "min", "max", "mean", "sum", "count"}}
	for _, c := range sw.sum.Custom {
		if c.Count == 0 {
			rows = append(rows, []string{c.Name, "-", "-", "-", "-", "-", "0"})
			continue
		}
		rows = append(rows, []string{c.Name, num(c.Last), num(c.Min), num(c.Max), num(c.Mean()), num(c.Sum),
			strconv.FormatInt(c.Count, 10)})
	}
	if len(rows) > 1 {
		sw.buf.WriteString("\n")
		sw.table(rows, false)
	}
}

// num formats a custom value: integers without decimals, others with up to
// three.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
}
