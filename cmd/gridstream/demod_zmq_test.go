package main_test

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/gridstream-sdr/gridstream/internal/testbin"
	"github.com/gridstream-sdr/gridstream/zmqsource"
)

// demod publishes on --out like decode: msgpack messages, topic = protocol.
func TestDemodZMQOut(t *testing.T) {
	p := filepath.Join(t.TempDir(), "z_915M_1M.cu8")
	truth := synth(t, p, "--count", "4", "--rate", "1M", "--seed", "6")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "tcp://" + l.Addr().String()
	l.Close()

	// Samples come on stdin, so the subscriber can connect before any
	// message is published.
	cmd := exec.Command(testbin.Path(t), "demod", "--rate", "1M", "--out", endpoint, "-q", "-")
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	src, err := zmqsource.New(zmqsource.Config{Endpoint: endpoint, Key: "gridstream", RetryMin: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var mu sync.Mutex
	got := map[string]bool{}
	go src.Run(ctx, func(c zmqsource.Chunk) {
		var m struct {
			Raw   string `msgpack:"raw"`
			CRCOK bool   `msgpack:"crc_ok"`
		}
		if err := msgpack.Unmarshal(c.Items, &m); err == nil && m.CRCOK {
			mu.Lock()
			got[m.Raw] = true
			mu.Unlock()
		}
	})
	for !src.Stats().Connected && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // let the subscription reach the publisher
	if _, err := stdin.Write(data); err != nil {
		t.Fatal(err)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("demod: %v\n%s", err, stderr.String())
	}
	all := func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, tr := range truth {
			if !got[tr.Raw] {
				return false
			}
		}
		return true
	}
	for !all() && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	if !all() {
		t.Errorf("received %v over --out, want the %d frames sent\n%s", got, len(truth), stderr.String())
	}
}
