package grafana

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestEveryDashboardQueryIsRawInfluxQLOnOurDatasource(t *testing.T) {
	qs, err := Queries(Dashboards)
	if err != nil {
		t.Fatal(err)
	}
	dashboards := map[string]int{}
	for _, q := range qs {
		dashboards[q.Dashboard]++
		if q.Datasource != DatasourceUID {
			t.Errorf("%s: %s: datasource %q, want %q", q.Dashboard, q.Where, q.Datasource, DatasourceUID)
		}
		if !strings.Contains(q.Text, "loadgo_") {
			t.Errorf("%s: %s: query reads no loadgo measurement: %s", q.Dashboard, q.Where, q.Text)
		}
	}
	for _, want := range []string{"loadgo-overview.json", "loadgo-realtime.json"} {
		if dashboards[want] < 5 {
			t.Errorf("dashboard %s has %d queries", want, dashboards[want])
		}
	}
}

func TestExpand(t *testing.T) {
	tests := []struct {
		name string
		q    string
		vars map[string][]string
		want string
	}{
		// Time filter and interval as Grafana fills them.
		{"time", `SELECT sum("count") / ($__interval_ms / 1000) FROM m WHERE $timeFilter GROUP BY time($__interval)`, nil,
			`SELECT sum("count") / (1000 / 1000) FROM m WHERE time >= now() - 1h GROUP BY time(1s)`},
		// One value, regex-escaped.
		{"one value", `"run_id" =~ /^$run$/`, map[string][]string{"run": {"2025.1-a"}}, `"run_id" =~ /^2025\.1-a$/`},
		// Several values become an alternation; a slash is escaped.
		{"multi", `"name" =~ /^$name$/`, map[string][]string{"name": {"GET /a", "b"}}, `"name" =~ /^(GET \/a|b)$/`},
		// $run is not the start of $runs: longer names are replaced first.
		{"prefix", `$runs $run`, map[string][]string{"run": {"x"}, "runs": {"y"}}, `y x`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Expand(tt.q, tt.vars); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestComposeMountsExist checks the compose file we ship (it cannot run
// here): every host path it mounts exists, and the provisioning points to
// where the dashboards are mounted.
func TestComposeMountsExist(t *testing.T) {
	b, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]struct {
			Volumes []string `yaml:"volumes"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	mounts := 0
	var dashTarget string
	for name, s := range c.Services {
		for _, v := range s.Volumes {
			host, rest, ok := strings.Cut(v, ":")
			if !ok || !strings.HasPrefix(host, ".") {
				continue // a named volume
			}
			mounts++
			if _, err := os.Stat(filepath.Join(".", host)); err != nil {
				t.Errorf("service %s mounts %s: %v", name, host, err)
			}
			if filepath.Clean(host) == "dashboards" {
				dashTarget, _, _ = strings.Cut(rest, ":")
			}
		}
	}
	if mounts < 3 {
		t.Fatalf("%d bind mounts, want provisioning and dashboards", mounts)
	}
	prov, err := os.ReadFile(filepath.Join("provisioning", "dashboards", "loadgo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if dashTarget == "" || !strings.Contains(string(prov), "path: "+dashTarget) {
		t.Errorf("the dashboard provider does not read %q where compose mounts the dashboards", dashTarget)
	}
	ds, err := os.ReadFile(filepath.Join("provisioning", "datasources", "loadgo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ds), "uid: "+DatasourceUID) {
		t.Errorf("the provisioned datasource does not have uid %s", DatasourceUID)
	}
}
