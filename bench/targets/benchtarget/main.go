// Command benchtarget serves one of the benchmark targets of package
// targets on a loopback address until it is interrupted.
//
//	benchtarget -addr 127.0.0.1:8090 -mode hello
//	benchtarget -addr 127.0.0.1:8091 -mode delay -delay 10ms
//	benchtarget -addr 127.0.0.1:8092 -mode freeze -cycle 5s -from 2s -to 3s -service 1ms
//	benchtarget -addr 127.0.0.1:8093 -mode sse -every 3s
//	benchtarget -addr 127.0.0.1:8094 -mode ws -every 3s
//
// It prints "listening http://ADDR" once it accepts connections, and the
// handler-time statistics are at targets.StatsPath.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/loadgo/loadgo/bench/targets"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchtarget:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("benchtarget", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on")
	mode := fs.String("mode", "hello", "hello | delay | freeze | sse | ws")
	every := fs.Duration("every", 3*time.Second, "sse and ws modes: one event or message per connection this often")
	delay := fs.Duration("delay", 10*time.Millisecond, "delay mode: answer after this long")
	cycle := fs.Duration("cycle", 5*time.Second, "freeze mode: cycle length")
	from := fs.Duration("from", 2*time.Second, "freeze mode: window start within the cycle")
	to := fs.Duration("to", 3*time.Second, "freeze mode: window end within the cycle")
	service := fs.Duration("service", time.Millisecond, "freeze mode: normal service time")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var h http.Handler
	switch *mode {
	case "hello":
		h = targets.Hello()
	case "delay":
		h = targets.Delay(*delay)
	case "freeze":
		f := targets.Freeze{Start: time.Now(), Cycle: *cycle, From: *from, To: *to, Service: *service}
		if err := f.Validate(); err != nil {
			return err
		}
		h = f.Handler()
	case "sse":
		h = targets.SSE(*every)
	case "ws":
		h = targets.WS(*every)
	default:
		return fmt.Errorf("unknown -mode %q (want hello, delay, freeze, sse or ws)", *mode)
	}
	ln, err := targets.ListenLoopback(*addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: targets.Handle(targets.NewRecorder(), h), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	fmt.Printf("listening http://%s\n", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
