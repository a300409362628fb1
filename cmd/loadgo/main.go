// Command loadgo runs load tests described by Artillery-style YAML scenarios.
package main

import "os"

func main() {
	os.Exit(Main(newProcessState()))
}
