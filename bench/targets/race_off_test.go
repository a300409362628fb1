//go:build !race

package targets_test

// raceEnabled: see race_on_test.go.
const raceEnabled = false
