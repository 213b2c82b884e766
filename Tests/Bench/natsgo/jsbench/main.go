// Command jsbench measures JetStream throughput as nats.go applications see it, against any
// NATS server with JetStream: "publish" (asynchronous publish, waiting for every publish ack),
// "sync" (js.Publish one at a time: each waits for its ack before the next is sent) and "fetch" (a
// durable pull consumer: Fetch(batch) with MaxWait, then Ack each message). Mode "fdatasync" needs
// no server: it appends a record of -size bytes to a file in -dir and fdatasyncs it, -msgs times,
// which is the most durable publishes per second one at a time that disk allows.
// It prints one line: "<mode> <messages> msgs in <seconds>s = <rate> msgs/s".
// Built by Tests/Bench/natsgo-jetstream.sh; not part of the test suites.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	url := flag.String("url", nats.DefaultURL, "server URL")
	mode := flag.String("mode", "fetch", "publish or fetch")
	messages := flag.Int("msgs", 100000, "messages")
	size := flag.Int("size", 128, "payload bytes")
	batch := flag.Int("batch", 256, "Fetch batch size")
	maxWait := flag.Duration("maxwait", 5*time.Second, "Fetch MaxWait")
	pending := flag.Int("pending", 4096, "most publish acks outstanding")
	directory := flag.String("dir", os.TempDir(), "fdatasync mode: where the probe file goes")
	overwrite := flag.Bool("overwrite", false, "fdatasync mode: write the file with zeros first, then overwrite them")
	memory := flag.Bool("memory", false, "a memory stream instead of a file stream (no disk, no sync)")
	flag.Parse()

	if *mode == "fdatasync" {
		report(*mode, *messages, fdatasyncLoop(*directory, *messages, *size, *overwrite))
		return
	}

	nc, err := nats.Connect(*url)
	check(err)
	defer nc.Close()
	js, err := nc.JetStream(nats.PublishAsyncMaxPending(*pending))
	check(err)
	_ = js.DeleteStream("BENCH")
	storage := nats.FileStorage
	if *memory {
		storage = nats.MemoryStorage
	}
	_, err = js.AddStream(&nats.StreamConfig{Name: "BENCH", Subjects: []string{"bench.>"}, Storage: storage})
	check(err)
	payload := make([]byte, *size)

	publish := func() time.Duration {
		start := time.Now()
		for i := 0; i < *messages; i++ {
			// A full window of outstanding acks makes PublishAsync give up after a short stall:
			// try again, the window drains as acks arrive.
			_, err := js.PublishAsync("bench.data", payload)
			for err != nil && strings.Contains(err.Error(), "stalled with too many outstanding") {
				_, err = js.PublishAsync("bench.data", payload)
			}
			check(err)
		}
		select {
		case <-js.PublishAsyncComplete():
		case <-time.After(2 * time.Minute):
			check(fmt.Errorf("publish acks missing after 2 minutes"))
		}
		return time.Since(start)
	}

	var elapsed time.Duration
	switch *mode {
	case "publish":
		elapsed = publish()
	case "sync":
		start := time.Now()
		for i := 0; i < *messages; i++ {
			_, err := js.Publish("bench.data", payload)
			check(err)
		}
		elapsed = time.Since(start)
	case "fetch":
		publish()
		sub, err := js.PullSubscribe("bench.data", "worker", nats.AckExplicit(), nats.MaxAckPending(-1))
		check(err)
		start := time.Now()
		for received := 0; received < *messages; {
			msgs, err := sub.Fetch(*batch, nats.MaxWait(*maxWait))
			if err != nil && err != nats.ErrTimeout {
				check(err)
			}
			for _, msg := range msgs {
				check(msg.Ack())
			}
			received += len(msgs)
		}
		check(nc.Flush())
		elapsed = time.Since(start)
	default:
		check(fmt.Errorf("unknown mode %q", *mode))
	}
	_ = js.DeleteStream("BENCH")
	report(*mode, *messages, elapsed)
}

func report(mode string, messages int, elapsed time.Duration) {
	seconds := elapsed.Seconds()
	fmt.Printf("%s %d msgs in %.3fs = %.0f msgs/s\n", mode, messages, seconds, float64(messages)/seconds)
}

// fdatasyncLoop appends `count` records of `size` bytes (plus a 32-byte frame, about what a
// stream store writes per message) to a fresh file in `directory`, with one pwrite and one
// fdatasync each, and returns the time taken. With `overwrite` the file is first filled with zeros
// (and synced), so the records overwrite them and no fdatasync has to record a new file size.
func fdatasyncLoop(directory string, count int, size int, overwrite bool) time.Duration {
	path := filepath.Join(directory, fmt.Sprintf("jsbench-fdatasync-%d", os.Getpid()))
	file, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	check(err)
	defer os.Remove(path)
	defer file.Close()
	// Not zeros: a virtual disk may turn writes of zeros into something else (discards).
	record := []byte(strings.Repeat("x", size+32))
	if overwrite {
		_, err := file.WriteAt(make([]byte, count*len(record)), 0)
		check(err)
		check(file.Sync())
	}
	var offset int64
	start := time.Now()
	for i := 0; i < count; i++ {
		_, err := file.WriteAt(record, offset)
		check(err)
		check(syscall.Fdatasync(int(file.Fd())))
		offset += int64(len(record))
	}
	return time.Since(start)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "jsbench:", err)
		os.Exit(1)
	}
}
