// Command gensample writes samples/sample.u8, the bit recording built into
// gridstream: every GridStream packet of the seed captures (and the Puget
// Sound Energy vectors) behind version 4 and 5 sync words, some with preamble
// bit errors, NGE101 packets, and random noise bits between them. Output is
// deterministic.
//
//	go run ./scripts/gensample -seeds testdata/seeds -o samples/sample.u8
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/gridstream-sdr/gridstream/internal/seeds"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream/gridstreamtest"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/protocol/nge101/nge101test"
)

func main() {
	seeds := flag.String("seeds", "testdata/seeds", "directory of the seed captures")
	out := flag.String("o", "samples/sample.u8", "output file")
	flag.Parse()
	if err := run(*seeds, *out); err != nil {
		log.Fatal(err)
	}
}

func run(seedDir, out string) error {
	var hexFrames []gridstream.HexFrame
	names, err := filepath.Glob(filepath.Join(seedDir, "00[01]_*.txt"))
	if err != nil || len(names) != 2 {
		return fmt.Errorf("want the two GridStream seed files in %s, found %d", seedDir, len(names))
	}
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			return err
		}
		hexFrames = append(hexFrames, scan(f)...)
		f.Close()
	}
	hexFrames = append(hexFrames, scan(strings.NewReader(gridstreamtest.PugetSound))...)

	rng := rand.New(rand.NewPCG(2024, 9))
	noise := func(dst []byte, n int) []byte {
		for range n {
			dst = append(dst, byte(rng.IntN(2)))
		}
		return dst
	}
	stream := noise(nil, 300)
	for i, h := range hexFrames {
		version := h.Version
		if version == 0 {
			version = 4
		}
		start := len(stream)
		stream = gridstream.AppendTransmission(stream, h.Bytes, version, 16+rng.IntN(28), 0x04)
		if i%3 == 1 { // a noisy receiver: two preamble bits flipped
			stream[start+2] ^= 1
			stream[start+7] ^= 1
		}
		stream = noise(stream, 100+rng.IntN(400))
		if i%5 == 2 {
			p := nge101test.Packets[(i/5)%len(nge101test.Packets)]
			stream = append(stream, seeds.Bits(p)...)
			stream = noise(stream, 200)
		}
	}
	for k, count := range []uint64{123456, 123789} {
		stream = append(stream, nge101.NewPacket(147, 1, true, count, k == 1)...)
		stream = noise(stream, 200)
	}
	return os.WriteFile(out, stream, 0o644)
}

func scan(r io.Reader) []gridstream.HexFrame {
	var out []gridstream.HexFrame
	sc := gridstream.NewHexScanner(r)
	for sc.Scan() {
		if sc.Err() == nil {
			out = append(out, sc.Frame())
		}
	}
	return out
}
