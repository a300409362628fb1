// Package grafana holds loadgo's Grafana dashboards and provisioning for the
// InfluxDB output (see docs/INFLUXDB.md), and lists every InfluxQL query
// they run, so that tests can execute each one against a real InfluxDB.
package grafana

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Dashboards holds the dashboard JSON files, under "dashboards/".
//
//go:embed dashboards/*.json
var Dashboards embed.FS

// DatasourceUID is the uid every panel's datasource refers to; the
// provisioned datasource has it.
const DatasourceUID = "loadgo-influxdb"

// Query is one InfluxQL query of a dashboard.
type Query struct {
	// Dashboard is the file name, Where the panel title and target refId,
	// the template variable or the annotation that runs the query.
	Dashboard, Where string
	// Text is the raw InfluxQL, with Grafana's variables unexpanded.
	Text string
	// Datasource is the uid the query runs on.
	Datasource string
}

type datasource struct {
	UID string `json:"uid"`
}

type dashboard struct {
	Panels []struct {
		Title      string     `json:"title"`
		Datasource datasource `json:"datasource"`
		Targets    []struct {
			RefID      string     `json:"refId"`
			Query      string     `json:"query"`
			RawQuery   bool       `json:"rawQuery"`
			Datasource datasource `json:"datasource"`
		} `json:"targets"`
	} `json:"panels"`
	Templating struct {
		List []struct {
			Name       string     `json:"name"`
			Query      string     `json:"query"`
			Datasource datasource `json:"datasource"`
		} `json:"list"`
	} `json:"templating"`
	Annotations struct {
		List []struct {
			Name       string     `json:"name"`
			Query      string     `json:"query"`
			Datasource datasource `json:"datasource"`
		} `json:"list"`
	} `json:"annotations"`
}

// Queries returns every query of every dashboard in fsys (files
// dashboards/*.json): each panel target, template variable and annotation.
// A panel target that is not raw InfluxQL is an error: only raw InfluxQL
// runs unchanged on InfluxDB 1.8, 2.x and 3.x.
func Queries(fsys fs.FS) ([]Query, error) {
	files, err := fs.Glob(fsys, "dashboards/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var qs []Query
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		var d dashboard
		if err := json.Unmarshal(b, &d); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		name := path.Base(f)
		for _, p := range d.Panels {
			if len(p.Targets) == 0 {
				return nil, fmt.Errorf("%s: panel %q has no query", name, p.Title)
			}
			for _, t := range p.Targets {
				if !t.RawQuery || strings.TrimSpace(t.Query) == "" {
					return nil, fmt.Errorf("%s: panel %q target %s: not a raw InfluxQL query", name, p.Title, t.RefID)
				}
				qs = append(qs, Query{Dashboard: name, Where: "panel " + p.Title + " / " + t.RefID, Text: t.Query, Datasource: t.Datasource.UID})
			}
		}
		for _, v := range d.Templating.List {
			qs = append(qs, Query{Dashboard: name, Where: "variable " + v.Name, Text: v.Query, Datasource: v.Datasource.UID})
		}
		for _, a := range d.Annotations.List {
			qs = append(qs, Query{Dashboard: name, Where: "annotation " + a.Name, Text: a.Query, Datasource: a.Datasource.UID})
		}
	}
	return qs, nil
}

// Expand replaces Grafana's variables in an InfluxQL query the way Grafana
// does for a time range of the last hour and a 1 s interval: $timeFilter,
// $__interval, $__interval_ms, and each $NAME of vars. A variable used in a
// regex match (=~ /^$NAME$/) takes its value regex-escaped, or several
// values as (a|b).
func Expand(q string, vars map[string][]string) string {
	q = strings.NewReplacer(
		"$timeFilter", "time >= now() - 1h",
		"$__interval_ms", "1000",
		"$__interval", "1s",
	).Replace(q)
	// Longest names first, so $name never replaces the start of $names.
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	for _, n := range names {
		vals := make([]string, len(vars[n]))
		for i, v := range vars[n] {
			vals[i] = regexpQuote(v)
		}
		val := strings.Join(vals, "|")
		if len(vals) > 1 {
			val = "(" + val + ")"
		}
		q = strings.ReplaceAll(q, "$"+n, val)
	}
	return q
}

// regexpQuote escapes s for an InfluxQL regex literal as Grafana does:
// regex metacharacters, and "/" which ends the literal.
func regexpQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$/`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
