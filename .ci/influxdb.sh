#!/usr/bin/env bash
# Builds (once, cached) and starts a real InfluxDB OSS 1.8.10 on a free
# loopback port for the tests that write to InfluxDB. Source it:
#
#   source .ci/influxdb.sh    # exports LOADGO_TEST_INFLUXDB_URL, stops influxd on exit
#
# The binary is built from the Go module proxy (about 70 s on a fresh machine)
# and cached under ${LOADGO_CACHE:-$HOME/.cache/loadgo}, so later runs start at
# once. Data lives in a temporary directory removed on exit. Everything listens
# on 127.0.0.1 only.

influx_version=1.8.10
influx_cache=${LOADGO_CACHE:-$HOME/.cache/loadgo}
influx_bin=$influx_cache/bin-$influx_version/influxd

influx_build() {
  if [ -x "$influx_bin" ]; then
    return 0
  fi
  echo "== building influxd $influx_version (cached in $influx_cache, about 70 s once)"
  local tmp
  tmp=$(mktemp -d)
  # Outside the repository's module, so the build neither reads nor changes go.mod.
  (cd "$tmp" && GOFLAGS=-mod=mod GOBIN="$(dirname "$influx_bin")" \
    go install "github.com/influxdata/influxdb/cmd/influxd@v$influx_version")
  rm -rf "$tmp"
}

# influx_free_port prints a TCP port free on 127.0.0.1 right now.
influx_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
    echo $((20000 + RANDOM % 20000))
}

influx_stop() {
  if [ -n "${influx_pid:-}" ]; then
    kill "$influx_pid" 2>/dev/null || true
    wait "$influx_pid" 2>/dev/null || true
    influx_pid=
  fi
  if [ -n "${influx_dir:-}" ]; then
    rm -rf "$influx_dir"
    influx_dir=
  fi
}

influx_start() {
  influx_build
  influx_dir=$(mktemp -d)
  local port rpc
  port=$(influx_free_port)
  rpc=$(influx_free_port)
  cat >"$influx_dir/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$rpc"
[meta]
  dir = "$influx_dir/meta"
[data]
  dir = "$influx_dir/data"
  wal-dir = "$influx_dir/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:$port"
  flux-enabled = true
  log-enabled = false
[monitor]
  store-enabled = false
CONF
  "$influx_bin" run -config "$influx_dir/influxdb.conf" >"$influx_dir/influxd.log" 2>&1 &
  influx_pid=$!
  trap influx_stop EXIT
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    if curl -fsS "$url/ping" >/dev/null 2>&1; then
      export LOADGO_TEST_INFLUXDB_URL=$url
      export LOADGO_TEST_INFLUXD_BIN=$influx_bin
      echo "== influxd $influx_version on $url (pid $influx_pid)"
      return 0
    fi
    if ! kill -0 "$influx_pid" 2>/dev/null; then
      break
    fi
    sleep 0.2
  done
  echo "influxd did not start; its log:" >&2
  cat "$influx_dir/influxd.log" >&2
  return 1
}

influx_start
