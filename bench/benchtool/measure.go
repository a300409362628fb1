package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// measurement is one run of one tool.
type measurement struct {
	CPU      time.Duration // user + system CPU of the tool and its children
	Wall     time.Duration
	MaxRSSKB int64
	Result   result
	// ServerP50 is the target's own median handler time; zero when not asked.
	ServerP50 time.Duration
}

// rows returns the measurement as metric/value pairs.
func (m measurement) rows() [][2]string {
	f := func(v float64) string { return fmt.Sprintf("%.6g", v) }
	msf := func(d time.Duration) string { return f(float64(d) / float64(time.Millisecond)) }
	out := [][2]string{
		{"requests", fmt.Sprint(m.Result.Requests)},
		{"cpu_s", f(m.CPU.Seconds())},
		{"wall_s", f(m.Wall.Seconds())},
		{"rss_mb", f(float64(m.MaxRSSKB) / 1024)},
	}
	if m.CPU > 0 {
		out = append(out, [2]string{"req_per_cpu_s", f(float64(m.Result.Requests) / m.CPU.Seconds())})
	}
	if m.Result.P50 > 0 {
		out = append(out, [2]string{"p50_ms", msf(m.Result.P50)})
		if m.ServerP50 > 0 {
			out = append(out, [2]string{"server_p50_ms", msf(m.ServerP50)}, [2]string{"added_p50_ms", msf(m.Result.P50 - m.ServerP50)})
		}
	}
	return out
}

func measureCmd(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("measure", flag.ContinueOnError)
	bench := fs.String("bench", "", "benchmark name (a table of its own)")
	tool := fs.String("tool", "", "row label; its first word (wrk, hey, vegeta, loadgo) says how to read the output")
	out := fs.String("out", "", "results file to append to")
	logPath := fs.String("log", "", "file for the tool's output (default: discarded)")
	parseFile := fs.String("parse-file", "", "read the result from this file instead of stdout (loadgo's JSON summary)")
	then := fs.String("then", "", "shell command run afterwards, not measured, whose stdout holds the result (vegeta report)")
	stats := fs.String("server-stats", "", "target stats URL: reset before, read the handler-time p50 after")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bench == "" || strings.TrimSpace(*tool) == "" || *out == "" || fs.NArg() == 0 {
		return fmt.Errorf("usage: benchtool measure -bench NAME -tool TOOL -out FILE [flags] -- command args...")
	}
	if *stats != "" {
		if err := resetStats(*stats); err != nil {
			return err
		}
	}
	m, text, err := measure(fs.Args())
	if *logPath != "" {
		_ = os.WriteFile(*logPath, text, 0o644)
	}
	if err != nil {
		return fmt.Errorf("%s: %w (output: %s)", *tool, err, tail(text, 400))
	}
	parsed := string(text)
	switch {
	case *then != "":
		b, err := exec.Command("sh", "-c", *then).Output()
		if err != nil {
			return fmt.Errorf("%s: -then: %w", *tool, err)
		}
		parsed = string(b)
	case *parseFile != "":
		if parsed, err = readFile(*parseFile); err != nil {
			return fmt.Errorf("%s: %w", *tool, err)
		}
	}
	// The tool's first word says how to read its output ("loadgo --vus 1").
	if m.Result, err = parseOutput(strings.Fields(*tool)[0], parsed); err != nil {
		return err
	}
	if *stats != "" {
		if m.ServerP50, err = serverP50(*stats); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "  %-8s %-8s requests %d, cpu %.2fs, %.0f req/cpu-s, p50 %v\n",
		*bench, *tool, m.Result.Requests, m.CPU.Seconds(), float64(m.Result.Requests)/max(m.CPU.Seconds(), 1e-9), m.Result.P50)
	return appendRows(*out, *bench, *tool, m.rows())
}

// measure runs argv and returns its resource use and combined output.
func measure(argv []string) (measurement, []byte, error) {
	var buf bytes.Buffer
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = &buf, &buf
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return measurement{}, buf.Bytes(), err
	}
	m := measurement{Wall: wall, CPU: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.MaxRSSKB = ru.Maxrss
	}
	return m, buf.Bytes(), nil
}

func resetStats(url string) error {
	resp, err := http.Post(url, "text/plain", nil)
	if err != nil {
		return fmt.Errorf("reset target stats: %w", err)
	}
	_ = resp.Body.Close()
	return nil
}

func serverP50(url string) (time.Duration, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, fmt.Errorf("target stats: %w", err)
	}
	defer resp.Body.Close()
	var s struct {
		P50 int64 `json:"p50_us"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		return 0, fmt.Errorf("target stats: %w", err)
	}
	return time.Duration(s.P50) * time.Microsecond, nil
}

// appendRows appends bench/tool/metric/value lines to path.
func appendRows(path, bench, tool string, rows [][2]string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	for _, r := range rows {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", bench, tool, r[0], r[1])
	}
	if _, err := f.Write(b.Bytes()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
