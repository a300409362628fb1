package influxdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Source says where to read with InfluxQL: the /query endpoint, which
// InfluxDB 1.8, 2.x (through its DBRP mapping of the bucket) and 3.x share.
type Source struct {
	// URL is InfluxDB's base URL.
	URL string
	// Token authenticates as in Config.Token; "" sends no credentials.
	Token string
	// DB and RP are the database and retention policy ("" for the default).
	DB, RP string
	// Client is the HTTP client; nil means http.DefaultClient.
	Client *http.Client
}

// SourceOf returns the Source matching a write Config: bucket "db/rp"
// (1.8) gives DB and RP, any other bucket name is the database (2.x maps
// each bucket to a database of the same name).
func SourceOf(cfg Config) Source {
	db, rp, _ := strings.Cut(cfg.Bucket, "/")
	return Source{URL: cfg.URL, Token: cfg.Token, DB: db, RP: rp}
}

// Row is one result row of a query.
type Row struct {
	// Measurement is the series' name.
	Measurement string
	// Tags are the GROUP BY tags of the row's series.
	Tags map[string]string
	cols map[string]int
	vals []any
}

// Has reports whether the row has a non-null value in column c.
func (r *Row) Has(c string) bool {
	i, ok := r.cols[c]
	return ok && i < len(r.vals) && r.vals[i] != nil
}

// Str returns column c as a string ("" when null or absent).
func (r *Row) Str(c string) string {
	if !r.Has(c) {
		return ""
	}
	switch v := r.vals[r.cols[c]].(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	default:
		return fmt.Sprint(v)
	}
}

// Int returns column c as an integer (0 when null, absent or not a number).
func (r *Row) Int(c string) int64 {
	if !r.Has(c) {
		return 0
	}
	if n, ok := r.vals[r.cols[c]].(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return i
		}
		if f, err := n.Float64(); err == nil {
			return int64(f)
		}
	}
	return 0
}

// Float returns column c as a float (0 when null, absent or not a number).
func (r *Row) Float(c string) float64 {
	if !r.Has(c) {
		return 0
	}
	if n, ok := r.vals[r.cols[c]].(json.Number); ok {
		f, _ := n.Float64()
		return f
	}
	return 0
}

// Bool returns column c as a boolean (false when null or absent).
func (r *Row) Bool(c string) bool {
	if !r.Has(c) {
		return false
	}
	b, _ := r.vals[r.cols[c]].(bool)
	return b
}

// Columns returns the row's column names.
func (r *Row) Columns() []string {
	cs := make([]string, len(r.cols))
	for c, i := range r.cols {
		cs[i] = c
	}
	return cs
}

// QuoteString quotes s as an InfluxQL string literal.
func QuoteString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// queryResponse is one (chunk of a) /query answer.
type queryResponse struct {
	Error   string `json:"error"`
	Results []struct {
		Error  string `json:"error"`
		Series []struct {
			Name    string            `json:"name"`
			Tags    map[string]string `json:"tags"`
			Columns []string          `json:"columns"`
			Values  [][]any           `json:"values"`
		} `json:"series"`
	} `json:"results"`
}

// Query runs the InfluxQL statement q and calls fn with every row, as the
// answer streams in (chunked), so that large results are never held whole.
// Times are in nanoseconds since the epoch (column "time"). fn must not keep
// the row.
func Query(ctx context.Context, src Source, q string, fn func(*Row) error) error {
	v := url.Values{"q": {q}, "db": {src.DB}, "epoch": {"ns"}, "chunked": {"true"}, "chunk_size": {"2000"}}
	if src.RP != "" {
		v.Set("rp", src.RP)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(src.URL, "/")+"/query?"+v.Encode(), nil)
	if err != nil {
		return fmt.Errorf("influxdb query: %w", err)
	}
	resp, err := do(src, req)
	if err != nil {
		return fmt.Errorf("influxdb query: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("influxdb query: %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	for {
		var qr queryResponse
		if err := dec.Decode(&qr); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("influxdb query: decoding answer: %w", err)
		}
		if err := emit(&qr, fn); err != nil {
			return err
		}
	}
}

// emit calls fn for every row of one answer chunk.
func emit(qr *queryResponse, fn func(*Row) error) error {
	if qr.Error != "" {
		return fmt.Errorf("influxdb query: %s", qr.Error)
	}
	for _, res := range qr.Results {
		if res.Error != "" {
			return fmt.Errorf("influxdb query: %s", res.Error)
		}
		for _, s := range res.Series {
			row := Row{Measurement: s.Name, Tags: s.Tags, cols: make(map[string]int, len(s.Columns))}
			for i, c := range s.Columns {
				row.cols[c] = i
			}
			for _, vals := range s.Values {
				row.vals = vals
				if err := fn(&row); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// do sends req with src's credentials. Without src.Client the connection is
// not kept alive: a one-off read must leave no idle connection (and its
// goroutines) behind in the process-wide default transport.
func do(src Source, req *http.Request) (*http.Response, error) {
	if src.Token != "" {
		req.Header.Set("Authorization", "Token "+src.Token)
	}
	c := src.Client
	if c == nil {
		c = http.DefaultClient
		req.Close = true
	}
	return c.Do(req)
}

// Exec runs a statement that returns no rows of interest, such as
// CREATE DATABASE, with a POST.
func Exec(ctx context.Context, src Source, q string) error {
	v := url.Values{"q": {q}}
	if src.DB != "" {
		v.Set("db", src.DB)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(src.URL, "/")+"/query",
		strings.NewReader(v.Encode()))
	if err != nil {
		return fmt.Errorf("influxdb: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := do(src, req)
	if err != nil {
		return fmt.Errorf("influxdb: %w", err)
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	var qr queryResponse
	if err := dec.Decode(&qr); err != nil {
		return fmt.Errorf("influxdb: %s: decoding answer: %w", resp.Status, err)
	}
	if err := emit(&qr, func(*Row) error { return nil }); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("influxdb: %s", resp.Status)
	}
	return nil
}
