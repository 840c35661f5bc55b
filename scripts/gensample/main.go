// Command gensample writes samples/sample.u8, the bit recording built into
// gridstream: the frames listed in testdata/sample-frames.txt (every
// GridStream packet of the seed captures and the Puget Sound Energy vectors
// behind version 4 and 5 sync words, and NGE101 packets), each sent by its
// protocol's Transmitter, with random noise bits between them and preamble
// bit errors in some FSK transmissions. Output is deterministic.
//
//	go run ./scripts/gensample -frames testdata/sample-frames.txt -o samples/sample.u8
package main

import (
	"bufio"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
)

func main() {
	frames := flag.String("frames", "testdata/sample-frames.txt", "the frames to send, one per line: PROTOCOL VARIANT FRAME")
	out := flag.String("o", "samples/sample.u8", "output file")
	flag.Parse()
	if err := run(*frames, *out); err != nil {
		log.Fatal(err)
	}
}

// entry is one frame of the list and the protocol that sends it.
type entry struct {
	tx      protocol.Transmitter
	variant int
	frame   []byte
}

func run(framesFile, out string) error {
	entries, err := readFrames(framesFile)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(2024, 9))
	noise := func(dst []byte, n int) []byte {
		for range n {
			dst = append(dst, byte(rng.IntN(2)))
		}
		return dst
	}
	stream := noise(nil, 300)
	fsk := 0 // FSK transmissions so far
	for _, e := range entries {
		if e.tx.Radio().Modulation != protocol.FSK {
			stream, _ = e.tx.AppendAir(stream, e.frame, protocol.Framing{Variant: e.variant})
			stream = noise(stream, 200)
			continue
		}
		start := len(stream)
		f := protocol.Framing{PreambleBits: 16 + rng.IntN(28), Variant: e.variant, Trailer: 0x04}
		stream, _ = e.tx.AppendAir(stream, e.frame, f)
		if fsk%3 == 1 { // a noisy receiver: two preamble bits flipped
			stream[start+2] ^= 1
			stream[start+7] ^= 1
		}
		stream = noise(stream, 100+rng.IntN(400))
		fsk++
	}
	return os.WriteFile(out, stream, 0o644)
}

// readFrames reads the list of frames: lines of PROTOCOL VARIANT FRAME,
// FRAME in hex for an FSK protocol and in '0'/'1' bits for an OOK one;
// blank lines and lines starting with # are skipped.
func readFrames(name string) ([]entry, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []entry
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		e, err := parseEntry(text)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no frames", name)
	}
	return out, nil
}

func parseEntry(text string) (entry, error) {
	fields := strings.Fields(text)
	if len(fields) != 3 {
		return entry{}, errors.New("want PROTOCOL VARIANT FRAME")
	}
	tx, ok := protocol.Find(protocols.All(), fields[0]).(protocol.Transmitter)
	if !ok {
		return entry{}, fmt.Errorf("no protocol %q that can be sent", fields[0])
	}
	variant, err := strconv.Atoi(fields[1])
	if err != nil {
		return entry{}, fmt.Errorf("variant %q: not a number", fields[1])
	}
	e := entry{tx: tx, variant: variant}
	if tx.Radio().Modulation == protocol.FSK {
		if e.frame, err = hex.DecodeString(fields[2]); err != nil {
			return entry{}, fmt.Errorf("frame: not hex: %w", err)
		}
		return e, nil
	}
	for _, c := range fields[2] {
		if c != '0' && c != '1' {
			return entry{}, fmt.Errorf("frame: %q is not a bit", c)
		}
		e.frame = append(e.frame, byte(c-'0'))
	}
	return e, nil
}
