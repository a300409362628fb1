// Command benchtool is the measuring half of bench/run: it runs one load
// generator and records what it cost and what it reported, and it turns the
// recorded runs into Markdown tables of medians and spreads.
//
//	benchtool measure -bench NAME -tool wrk -out results.tsv -- wrk -t1 -c50 -d10s URL
//	benchtool co -bench co -json summary.json -cycle 5s -from 2s -to 3s -out results.tsv
//	benchtool table results.tsv
//	benchtool freeport            # a free loopback TCP port, for nginx
//
// results.tsv has one "bench<TAB>tool<TAB>metric<TAB>value" line per
// measured value, so runs of any tool add up without a schema.
package main

import (
	"fmt"
	"io"
	"net"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "benchtool:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: benchtool measure|co|table ...")
	}
	switch args[0] {
	case "measure":
		return measureCmd(args[1:], stderr)
	case "co":
		return coCmd(args[1:])
	case "table":
		return tableCmd(args[1:], stdout)
	case "freeport":
		return freePort(stdout)
	}
	return fmt.Errorf("unknown command %q (want measure, co, table or freeport)", args[0])
}

// freePort prints a loopback TCP port that was free a moment ago.
func freePort(w io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, port)
	return err
}
