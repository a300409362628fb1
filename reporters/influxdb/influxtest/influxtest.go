// Package influxtest gives tests a real InfluxDB OSS 1.8 on loopback. It is
// for tests only.
//
// .ci/influxdb.sh builds influxd (cached) and starts it, exporting
// LOADGO_TEST_INFLUXDB_URL and LOADGO_TEST_INFLUXD_BIN. Without the URL a
// test starts its own influxd from the binary (LOADGO_TEST_INFLUXD_BIN or
// the script's cache). Without either, tests fail when CI=true and skip
// otherwise: in CI a missing InfluxDB is a broken pipeline, not a pass.
package influxtest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Version is the InfluxDB version .ci/influxdb.sh builds.
const Version = "1.8.10"

// Binary returns the influxd binary to start, or "" when there is none.
func Binary() string {
	if b := os.Getenv("LOADGO_TEST_INFLUXD_BIN"); b != "" {
		return b
	}
	cache := os.Getenv("LOADGO_CACHE")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		cache = filepath.Join(home, ".cache", "loadgo")
	}
	b := filepath.Join(cache, "bin-"+Version, "influxd")
	if fi, err := os.Stat(b); err == nil && !fi.IsDir() {
		return b
	}
	return ""
}

// unavailable fails the test in CI and skips it elsewhere.
func unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("InfluxDB is required in CI: %s (run the tests through .ci/test, which sources .ci/influxdb.sh)", why)
	}
	t.Skipf("no InfluxDB: %s (source .ci/influxdb.sh to run this test)", why)
}

// URL returns the base URL of a running InfluxDB: the shared one, or one
// started for this test and stopped at its end.
func URL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv("LOADGO_TEST_INFLUXDB_URL"); u != "" {
		return u
	}
	if Binary() == "" {
		unavailable(t, "LOADGO_TEST_INFLUXDB_URL is not set and no influxd binary was found")
	}
	p := Start(t)
	return p.URL
}

// Database creates a database with a unique name on the InfluxDB at url,
// dropped when the test ends, and returns the bucket that names it for the
// v2 write API ("db/autogen").
func Database(t testing.TB, url string) (bucket string) {
	t.Helper()
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	db := "loadgo_test_" + hex.EncodeToString(b[:])
	if err := exec1(url, "CREATE DATABASE "+db); err != nil {
		t.Fatalf("creating database: %v", err)
	}
	t.Cleanup(func() { _ = exec1(url, "DROP DATABASE "+db) })
	return db + "/autogen"
}

// exec1 runs one InfluxQL statement with a POST to /query.
func exec1(base, q string) error {
	c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.PostForm(base+"/query", url.Values{"q": {q}})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK || strings.Contains(string(body), `"error"`) {
		return fmt.Errorf("%s: %s: %s", q, resp.Status, body)
	}
	return nil
}

// Process is an influxd started by a test.
type Process struct {
	// URL is its base URL, stable across Stop and Restart.
	URL  string
	t    testing.TB
	dir  string
	conf string
	cmd  *exec.Cmd
}

// Start starts a private influxd on free loopback ports with a temporary
// data directory; it is stopped when the test ends.
func Start(t testing.TB) *Process {
	t.Helper()
	bin := Binary()
	if bin == "" {
		unavailable(t, "no influxd binary (LOADGO_TEST_INFLUXD_BIN)")
	}
	dir := t.TempDir()
	httpPort, rpc := freePort(t), freePort(t)
	conf := filepath.Join(dir, "influxdb.conf")
	text := fmt.Sprintf(`reporting-disabled = true
bind-address = "127.0.0.1:%d"
[meta]
  dir = %q
[data]
  dir = %q
  wal-dir = %q
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:%d"
  flux-enabled = true
  log-enabled = false
[monitor]
  store-enabled = false
`, rpc, filepath.Join(dir, "meta"), filepath.Join(dir, "data"), filepath.Join(dir, "wal"), httpPort)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	p := &Process{URL: "http://127.0.0.1:" + strconv.Itoa(httpPort), t: t, dir: dir, conf: conf}
	p.start(bin)
	t.Cleanup(p.Stop)
	return p
}

func (p *Process) start(bin string) {
	p.t.Helper()
	log, err := os.OpenFile(filepath.Join(p.dir, "influxd.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		p.t.Fatal(err)
	}
	defer log.Close()
	p.cmd = exec.Command(bin, "run", "-config", p.conf)
	p.cmd.Stdout, p.cmd.Stderr = log, log
	if err := p.cmd.Start(); err != nil {
		p.t.Fatalf("starting influxd: %v", err)
	}
	if err := waitPing(p.URL, 60*time.Second); err != nil {
		p.Stop()
		b, _ := os.ReadFile(filepath.Join(p.dir, "influxd.log"))
		p.t.Fatalf("influxd did not start: %v\n%s", err, b)
	}
}

// Stop stops influxd and waits for it to exit. Stopping twice is fine.
func (p *Process) Stop() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
	p.cmd = nil
}

// Restart starts influxd again on the same port and data.
func (p *Process) Restart() {
	p.t.Helper()
	p.Stop()
	p.start(Binary())
}

// waitPing polls /ping until it answers 204 or d has passed.
func waitPing(base string, d time.Duration) error {
	deadline := time.Now().Add(d)
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for {
		resp, err := c.Get(base + "/ping")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusNoContent {
				return nil
			}
			err = fmt.Errorf("ping: %s", resp.Status)
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
