package main

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/loadgo/loadgo/cmd/internal/demo"
	"github.com/loadgo/loadgo/grafana"
	"github.com/loadgo/loadgo/reporters/influxdb"
	"github.com/loadgo/loadgo/reporters/influxdb/influxtest"
)

// influxScenario has two phases (open and closed), three request names, one
// of them always failing with a status error, and two thresholds.
const influxScenario = `config:
  target: %s
  phases:
    - name: open
      duration: 2s
      arrivalRate: 15
    - name: closed
      duration: 1s
      vus: 2
  ensure:
    thresholds:
      - http.response_time.p99: 5000
      - http.response_time.p95{name:show page}: 4000
    maxErrorRate: 100
scenarios:
  - flow:
      - post:
          url: /login
          name: login
          json: { username: ada, password: secret }
          capture: { json: $.token, as: token }
      - get:
          url: /shows/{{ $randomNumber(1, 10) }}
          name: show page
      - get:
          url: /status/503
          name: unavailable
`

// realtimeScenario makes real-time traffic for the real-time dashboard:
// groups of 4 sharing positions over WebSocket with delivery accounting.
const realtimeScenario = `config:
  target: %s
  groups: { size: 4 }
  phases:
    - { name: users, duration: 1s, arrivalCount: 8 }
scenarios:
  - name: location over ws
    flow:
      - ws.connect:
          url: /ws/location?group={{ $group.id }}&user={{ $vu.id }}
          name: ws connect
          delivery: true
      - every:
          interval: 300ms
          duration: 2s
          steps:
            - ws.send: { text: '{"lat":52.37,"lon":4.89,{{ $stamp }}}' }
      - ws.close: ws
`

func influxQuery(t *testing.T, src influxdb.Source, q string, fn func(*influxdb.Row)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := influxdb.Query(ctx, src, q, func(r *influxdb.Row) error { fn(r); return nil }); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestInfluxDBOutputEndToEnd runs loadgo against the demo target writing to
// a real InfluxDB, then checks what was stored three ways: the totals equal
// the JSON summary's, `loadgo report --from-influxdb` prints the run's own
// summary, and every query of every dashboard returns data.
func TestInfluxDBOutputEndToEnd(t *testing.T) {
	url := influxtest.URL(t)
	bucket := influxtest.Database(t, url)
	src := influxdb.SourceOf(influxdb.Config{URL: url, Bucket: bucket})
	srv := startDemo(t, demo.Options{})
	dir := t.TempDir()
	file := writeFile(t, dir, "s.yaml", fmt.Sprintf(influxScenario, srv.URL()))
	jsonPath := filepath.Join(dir, "summary.json")

	res := runCLI(t, 0, "run", "-q", "-o", "json="+jsonPath, "-o", "influxdb="+url, "--influx-bucket", bucket,
		"--run-id", "e2e", "--instance", "ci", file)
	if res.code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stderr, "influxdb: writing run e2e") {
		t.Errorf("stderr does not announce the run ID:\n%s", res.stderr)
	}
	doc := readSummary(t, jsonPath)
	if doc.Totals.Requests == 0 || doc.Totals.Errors == 0 || doc.Totals.Requests != srv.Requests() {
		t.Fatalf("fixture: %d requests (server %d), %d errors", doc.Totals.Requests, srv.Requests(), doc.Totals.Errors)
	}

	t.Run("totals equal the JSON summary", func(t *testing.T) {
		var total, errs int64
		names := map[string]int64{}
		influxQuery(t, src, `SELECT sum("count") AS "c", sum("errors") AS "e" FROM "loadgo_requests" WHERE "run_id" = 'e2e' GROUP BY "name"`,
			func(r *influxdb.Row) {
				names[r.Tags["name"]] += r.Int("c")
				total += r.Int("c")
				errs += r.Int("e")
			})
		if total != doc.Totals.Requests || errs != doc.Totals.Errors {
			t.Errorf("InfluxDB: %d requests, %d errors; JSON summary: %d, %d", total, errs, doc.Totals.Requests, doc.Totals.Errors)
		}
		for name, want := range doc.Requests {
			if names[name] != want.Count {
				t.Errorf("%s: InfluxDB %d, JSON summary %d", name, names[name], want.Count)
			}
		}
		var created int64
		influxQuery(t, src, `SELECT sum("created") AS "c" FROM "loadgo_vus" WHERE "run_id" = 'e2e'`,
			func(r *influxdb.Row) { created += r.Int("c") })
		if created != doc.VUs.Created {
			t.Errorf("InfluxDB: %d VUs created, JSON summary %d", created, doc.VUs.Created)
		}
	})

	t.Run("report equals the local summary", func(t *testing.T) {
		rep := runCLI(t, 0, "report", "--from-influxdb", url, "--influx-bucket", bucket, "--run-id", "e2e")
		if rep.code != exitOK {
			t.Fatalf("exit %d\n%s", rep.code, rep.stderr)
		}
		if rep.stdout != res.stdout {
			t.Errorf("report --from-influxdb differs from the run's summary\n--- report\n%s\n--- run\n%s", rep.stdout, res.stdout)
		}
	})

	t.Run("every dashboard query returns data", func(t *testing.T) {
		rt := runCLI(t, 0, "run", "-q", "-o", "influxdb="+url, "--influx-bucket", bucket, "--run-id", "e2e-rt",
			writeFile(t, dir, "rt.yaml", fmt.Sprintf(realtimeScenario, srv.URL())))
		if rt.code != exitOK {
			t.Fatalf("real-time run: exit %d\n%s\n%s", rt.code, rt.stdout, rt.stderr)
		}
		// The real-time run reads back as it printed too.
		back := runCLI(t, 0, "report", "--from-influxdb", url, "--influx-bucket", bucket, "--run-id", "e2e-rt")
		if back.code != exitOK || back.stdout != rt.stdout {
			t.Errorf("real-time run: report (exit %d) differs from the run's summary\n--- report\n%s\n--- run\n%s", back.code, back.stdout, rt.stdout)
		}
		qs, err := grafana.Queries(grafana.Dashboards)
		if err != nil {
			t.Fatal(err)
		}
		names := make([]string, 0, len(doc.Requests))
		for n := range doc.Requests {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, q := range qs {
			run := "e2e"
			if strings.Contains(q.Dashboard, "realtime") {
				run = "e2e-rt"
			}
			text := grafana.Expand(q.Text, map[string][]string{"run": {run}, "name": names})
			rows := 0
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			err := influxdb.Query(ctx, src, text, func(r *influxdb.Row) error {
				for _, c := range r.Columns() {
					if c != "time" && r.Has(c) {
						rows++
						break
					}
				}
				return nil
			})
			cancel()
			if err != nil || rows == 0 {
				t.Errorf("%s: %s: %d rows with data, error %v\n%s", q.Dashboard, q.Where, rows, err, text)
			}
		}
	})
}

// TestInfluxDBDownTheRunGoesOn points the output at a port where nothing
// listens: the run completes with the right local summary, exit 0, and the
// summary says how many intervals were not delivered.
func TestInfluxDBDownTheRunGoesOn(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String()
	l.Close() // nothing listens there now
	srv := startDemo(t, demo.Options{})
	dir := t.TempDir()
	file := writeFile(t, dir, "s.yaml", strings.Replace(smallScenario, "%s", "5000", 1))
	jsonPath := filepath.Join(dir, "summary.json")
	res := runCLI(t, 0, "run", "-q", "--target", srv.URL(), "-o", "json="+jsonPath, "-o", "influxdb="+down,
		"--influx-token", "user:s3cret", file)
	if res.code != exitOK {
		t.Fatalf("exit %d, want 0: InfluxDB being down must not fail the run\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	doc := readSummary(t, jsonPath)
	if doc.Totals.Requests != srv.Requests() || doc.Totals.Requests == 0 {
		t.Errorf("local summary: %d requests, the server counted %d", doc.Totals.Requests, srv.Requests())
	}
	if !strings.Contains(res.stdout, "intervals were not delivered") {
		t.Errorf("the summary does not report undelivered intervals:\n%s", res.stdout)
	}
	if c := strings.Count(res.stderr, "warning: influxdb"); c != 1 {
		t.Errorf("%d InfluxDB warnings, want 1:\n%s", c, res.stderr)
	}
	if strings.Contains(res.stdout+res.stderr, "s3cret") {
		t.Error("the token was printed")
	}
}
