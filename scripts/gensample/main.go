// Command gensample writes samples/sample.u8, the bit recording built into
// gridstream: every GridStream packet of the seed captures (and the Puget
// Sound Energy vectors) behind version 4 and 5 sync words, some with preamble
// bit errors, NGE101 packets, and random noise bits between them. Output is
// deterministic.
//
//	go run ./scripts/gensample -seeds ../shared/seeds -o samples/sample.u8
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

	"github.com/gridstream-sdr/gridstream/bits"
	"github.com/gridstream-sdr/gridstream/frames"
)

// Published Puget Sound Energy frames (version 5 sync, printed 80 FF 2A).
const pseFrames = `80 FF 2A D5 00 1D 29 90 00 00 D5 90 00 00 FD 5D C0 08 00 74 50 05 0C 01 2B 83 4F 81 5E 16 EA 24 00 51 AB
80 FF 2A D5 00 14 22 90 00 00 57 90 00 00 C7 51 0F 07 00 03 16 A4 1B 10 9E 1F
80 FF 2A D2 04 53 BE 06 FC`

// The NGE101 power packets of seed 002, and energy packets built from fields.
var ngeSeedPackets = []string{
	"1111101000001100100100100111111100000000111000010110010",
	"1111101000001100100101100111111100000000111001010010000",
	"1111101000001100100100110111111100000000111000000111010",
	"1111101000001100100100000000000010000000000111000010001",
	"1111101000001100100110010000000010000000000101011011101",
}

func main() {
	seeds := flag.String("seeds", "../shared/seeds", "directory of the seed captures")
	out := flag.String("o", "samples/sample.u8", "output file")
	flag.Parse()
	if err := run(*seeds, *out); err != nil {
		log.Fatal(err)
	}
}

func run(seedDir, out string) error {
	var hexFrames []frames.HexFrame
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
	hexFrames = append(hexFrames, scan(strings.NewReader(pseFrames))...)

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
		stream = bits.AppendGridStream(stream, h.Bytes, version, 16+rng.IntN(28), 0x04)
		if i%3 == 1 { // a noisy receiver: two preamble bits flipped
			stream[start+2] ^= 1
			stream[start+7] ^= 1
		}
		stream = noise(stream, 100+rng.IntN(400))
		if i%5 == 2 {
			p := ngeSeedPackets[(i/5)%len(ngeSeedPackets)]
			for _, c := range p {
				stream = append(stream, byte(c-'0'))
			}
			stream = noise(stream, 200)
		}
	}
	for k, count := range []uint64{123456, 123789} {
		stream = append(stream, frames.NGE101Packet(147, 1, true, count, k == 1)...)
		stream = noise(stream, 200)
	}
	return os.WriteFile(out, stream, 0o644)
}

func scan(r io.Reader) []frames.HexFrame {
	var out []frames.HexFrame
	sc := frames.NewHexScanner(r)
	for sc.Scan() {
		if sc.Err() == nil {
			out = append(out, sc.Frame())
		}
	}
	return out
}
