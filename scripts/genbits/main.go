// Command genbits writes the synthetic unpacked-bit recording of the replay
// benchmark (package bitgen): noise with GridStream transmissions and NGE101
// packets, about 1 % frame bits. It prints what the file holds on stderr.
//
//	go run ./scripts/genbits -bits 200000000 -o /tmp/replay-200M.u8
package main

import (
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/gridstream-sdr/gridstream/internal/bitgen"
)

func main() {
	n := flag.Int64("bits", 200_000_000, "bits to write")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("o", "", "output file (required)")
	flag.Parse()
	if *out == "" || *n < 0 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: genbits [-bits N] [-seed S] -o FILE")
		os.Exit(2)
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	c, err := bitgen.Write(f, *n, *seed)
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "%s: %d bits, %.2f %% in frames, %d transmissions %v\n",
		*out, c.Bits, 100*float64(c.FrameBits)/float64(max(c.Bits, 1)), c.Total(), c.Frames)
}
