// Package examples holds the scenarios users copy, embedded so that
// `loadgo demo` can run the quickstart from any directory. A test validates
// every scenario here.
package examples

import "embed"

// FS holds every example scenario and its data files.
//
//go:embed *.yaml *.json *.csv
var FS embed.FS

// Quickstart is the file name of the scenario `loadgo demo` runs.
const Quickstart = "quickstart.yaml"
