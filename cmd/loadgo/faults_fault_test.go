package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/loadgo/loadgo/internal/faultserver"
)

// faultScenario has one flow: a good request, the faulty one, and another
// good request that runs only when the faulty one does not end the flow.
// %s are the target, the extra config lines and the faulty path.
const faultScenario = `config:
  target: %s
  phases:
    - name: faults
      duration: 1s
      arrivalCount: %d
%sscenarios:
  - flow:
      - get: { url: /ok, name: before }
      - get: { url: "%s", name: fault }
      - get: { url: /ok, name: after }
`

// faultDoc is the part of the JSON summary the fault tests read.
type faultDoc struct {
	summaryDoc
	Errors map[string]int64 `json:"errors"`
	Notes  []string         `json:"notes"`
}

// TestTargetFaults runs a real scenario against each fault of the fault
// server and checks, in the JSON summary, that the run completed, that the
// fault is counted under its own error kind on exactly the faulty request,
// and that the good requests around it are counted right.
func TestTargetFaults(t *testing.T) {
	const n = 6 // arrivals per run
	srv := faultserver.Start()
	t.Cleanup(srv.Close)
	srv.HugeBytes = 8 << 20 // far over the 64 KiB cap below
	tlsSrv := faultserver.StartTLS()
	t.Cleanup(tlsSrv.Close)
	refused, err := faultserver.Closed()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), tlsSrv.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	short := "  http: { timeout: 0.3, maxBodyBytes: 65536 }\n"
	tests := []struct {
		name   string
		target string
		config string
		path   string
		// kind is the error kind of the faulty request ("" for success).
		kind string
		// abort is whether the fault ends the flow (the after request
		// does not run).
		abort bool
		// beforeOK is false when the target fails for every request.
		beforeOK bool
	}{
		// Nothing listens: refused, and the first request already fails.
		{name: "refused", target: refused, path: "/ok", kind: "refused", abort: true},
		// RST after the request, before the status line.
		{name: "reset before response", target: srv.URL, path: faultserver.ResetBeforeResponse.Path(), kind: "reset", abort: true, beforeOK: true},
		// RST in the middle of a body announced longer.
		{name: "reset mid-body", target: srv.URL, path: faultserver.ResetMidBody.Path(), kind: "reset", abort: true, beforeOK: true},
		// No answer within the 0.3 s timeout.
		{name: "stall", target: srv.URL, config: short, path: faultserver.Stall.Path(), kind: "timeout", abort: true, beforeOK: true},
		// A body dripping one byte per 50 ms for 20 bytes outlasts 0.3 s.
		{name: "slow drip", target: srv.URL, config: short, path: faultserver.SlowDrip.Path(), kind: "timeout", abort: true, beforeOK: true},
		// A body that never ends is cut by the timeout.
		{name: "endless body", target: srv.URL, config: short, path: faultserver.Endless.Path(), kind: "timeout", abort: true, beforeOK: true},
		// An 8 MiB body, 128 times the body cap, is read and counted, not kept.
		{name: "huge body", target: srv.URL, config: short, path: faultserver.Huge.Path(), beforeOK: true},
		// Not HTTP at all.
		{name: "garbage status line", target: srv.URL, path: faultserver.Garbage.Path(), kind: "other", abort: true, beforeOK: true},
		// A 5xx storm: status errors that do not end the flow.
		{name: "5xx storm", target: srv.URL, path: faultserver.Status5xx.Path(), kind: "status", beforeOK: true},
		// A self-signed certificate fails verification by default.
		{name: "tls self-signed", target: tlsSrv.URL, path: "/ok", kind: "tls", abort: true},
		// ...and works with rejectUnauthorized: false.
		{name: "tls insecure", target: tlsSrv.URL, config: "  tls: { rejectUnauthorized: false }\n", path: "/ok", beforeOK: true},
		// ...or with the server's certificate as a CA file.
		{name: "tls ca file", target: tlsSrv.URL, config: "  tls: { ca: ca.pem }\n", path: "/ok", beforeOK: true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(dir, fmt.Sprintf("s%d.yaml", i))
			if err := os.WriteFile(file, fmt.Appendf(nil, faultScenario, tt.target, n, tt.config, tt.path), 0o600); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, fmt.Sprintf("s%d.json", i))
			res := runCLI(t, 0, "run", "-q", "--grace", "5s", "-o", "json="+out, file)
			if res.code != exitOK {
				t.Fatalf("exit %d, want 0 (the run completes)\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
			}
			var doc faultDoc
			readJSON(t, out, &doc)
			checkFaultDoc(t, &doc, n, tt.kind, tt.abort, tt.beforeOK)
			if tt.kind != "" && !strings.Contains(res.stdout, tt.kind) {
				t.Errorf("the console summary does not name the error kind %q:\n%s", tt.kind, res.stdout)
			}
		})
	}
}

// checkFaultDoc checks one fault run's JSON summary.
func checkFaultDoc(t *testing.T, doc *faultDoc, n int64, kind string, abort, beforeOK bool) {
	t.Helper()
	before, fault, after := doc.Requests["before"], doc.Requests["fault"], doc.Requests["after"]
	if doc.VUs.Created != n || doc.VUs.Completed+doc.VUs.Failed != n {
		t.Errorf("vus %+v, want %d created, all completed or failed", doc.VUs, n)
	}
	if !beforeOK {
		// The first request is the faulty one.
		if before.Count != n || before.Errors != n || doc.Errors[kind] != n || doc.VUs.Failed != n {
			t.Errorf("before %+v, errors %v, vus %+v: want %d %s errors", before, doc.Errors, doc.VUs, n, kind)
		}
		return
	}
	if before.Count != n || before.Errors != 0 {
		t.Errorf("before: count %d errors %d, want %d and 0", before.Count, before.Errors, n)
	}
	if fault.Count != n {
		t.Errorf("fault: count %d, want %d (one sample per attempt)", fault.Count, n)
	}
	wantErr := int64(0)
	if kind != "" {
		wantErr = n
	}
	if fault.Errors != wantErr || doc.Totals.Errors != wantErr || (kind != "" && doc.Errors[kind] != n) {
		t.Errorf("fault errors %d, totals %d, by kind %v: want %d of kind %q", fault.Errors, doc.Totals.Errors, doc.Errors, wantErr, kind)
	}
	wantAfter := n
	if abort {
		wantAfter = 0
	}
	if after.Count != wantAfter || after.Errors != 0 {
		t.Errorf("after: count %d errors %d, want %d and 0", after.Count, after.Errors, wantAfter)
	}
	if abort && doc.VUs.Failed != n {
		t.Errorf("vus failed %d, want %d", doc.VUs.Failed, n)
	}
	if doc.Totals.Requests != before.Count+fault.Count+after.Count {
		t.Errorf("totals %d != %d+%d+%d", doc.Totals.Requests, before.Count, fault.Count, after.Count)
	}
}

// readJSON decodes the JSON file at path into v.
func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s is not valid JSON: %v\n%s", path, err, data)
	}
}
