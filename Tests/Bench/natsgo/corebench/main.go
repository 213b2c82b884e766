// Command corebench measures core NATS throughput as nats.go applications see it, against any NATS
// server: "pubsub" (one publishing connection, one subscribing connection) and "fanout" (one
// publisher, -subs subscribing connections on the same subject). The time runs from the first
// publish until every subscriber has received every message.
// It prints one line: "<mode> <deliveries> deliveries in <seconds>s = <rate> msgs/s", where the rate
// counts messages published per second for pubsub and deliveries per second for fanout.
// Built by Tests/Bench/core_paths.py and Tests/Bench/memory.py; not part of the test suites.
package main

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	url := flag.String("url", nats.DefaultURL, "server URL")
	mode := flag.String("mode", "pubsub", "pubsub or fanout")
	messages := flag.Int("msgs", 1000000, "messages published")
	size := flag.Int("size", 128, "payload bytes")
	subscribers := flag.Int("subs", 4, "subscribing connections for fanout")
	flag.Parse()

	count := 1
	if *mode == "fanout" {
		count = *subscribers
	} else if *mode != "pubsub" {
		check(fmt.Errorf("unknown mode %q", *mode))
	}
	subject := "bench.core"
	var done sync.WaitGroup
	var connections []*nats.Conn
	for i := 0; i < count; i++ {
		nc, err := nats.Connect(*url)
		check(err)
		connections = append(connections, nc)
		received := 0
		done.Add(1)
		sub, err := nc.Subscribe(subject, func(*nats.Msg) {
			received++
			if received == *messages {
				done.Done()
			}
		})
		check(err)
		// No client-side limit: a lagging subscriber must not be dropped by its own client.
		check(sub.SetPendingLimits(-1, -1))
		check(nc.Flush())
	}
	publisher, err := nats.Connect(*url)
	check(err)
	payload := make([]byte, *size)

	start := time.Now()
	for i := 0; i < *messages; i++ {
		check(publisher.Publish(subject, payload))
	}
	check(publisher.Flush())
	finished := make(chan struct{})
	go func() { done.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(2 * time.Minute):
		check(fmt.Errorf("messages missing after 2 minutes"))
	}
	elapsed := time.Since(start)
	deliveries := *messages * count
	fmt.Printf("%s %d deliveries in %.3fs = %.0f msgs/s\n", *mode, deliveries, elapsed.Seconds(),
		float64(deliveries)/elapsed.Seconds())
	publisher.Close()
	for _, nc := range connections {
		nc.Close()
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "corebench:", err)
		os.Exit(1)
	}
}
