package samples_test

import (
	"bytes"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/internal/seeds"
	"github.com/gridstream-sdr/gridstream/internal/testbin"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream/gridstreamtest"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/protocol/nge101/nge101test"
	"github.com/gridstream-sdr/gridstream/samples"
)

// sampleFrames is the list of frames scripts/gensample sends.
var sampleFrames = filepath.Join(testbin.Root(), "testdata", "sample-frames.txt")

// The built-in bit recording is what scripts/gensample makes from the
// frames list.
func TestBitsAreReproducible(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sample.u8")
	cmd := exec.Command("go", "run", "./scripts/gensample", "-frames", sampleFrames, "-o", out)
	cmd.Dir = testbin.Root()
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gensample: %v\n%s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, samples.Bits) {
		t.Fatal("samples/sample.u8 differs from what scripts/gensample writes: rerun it and commit the file")
	}
}

// The frames list holds the seeds' packets: every GridStream frame of the
// seed captures and the Puget Sound vectors in order, with its sync version
// (4 when the capture gives none), and NGE101 seed packets plus the two
// energy packets the sample adds.
func TestSampleFramesAreTheSeeds(t *testing.T) {
	b, err := os.ReadFile(sampleFrames)
	if err != nil {
		t.Fatal(err)
	}
	nge := map[string]bool{}
	for _, p := range nge101test.Packets {
		nge[string(seeds.Bits(p))] = true
	}
	nge[string(nge101.NewPacket(147, 1, true, 123456, false))] = true
	nge[string(nge101.NewPacket(147, 1, true, 123789, true))] = true
	want := gridstreamtest.SeedFrames(t)
	var gs, ngeCount int
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) != 3 {
			t.Fatalf("line %q", line)
		}
		switch f[0] {
		case "gridstream":
			if gs >= len(want) {
				t.Fatalf("more GridStream frames than the seeds' %d: %q", len(want), line)
			}
			w := want[gs]
			version := w.Version
			if version == 0 {
				version = 4
			}
			frame, err := hex.DecodeString(f[2])
			if err != nil || !bytes.Equal(frame, w.Bytes) || f[1] != strconv.Itoa(version) {
				t.Errorf("GridStream frame %d: %q, want version %d %X", gs, line, version, w.Bytes)
			}
			gs++
		case "nge101":
			if !nge[string(seeds.Bits(f[2]))] || f[1] != "0" {
				t.Errorf("not an NGE101 seed packet: %q", line)
			}
			ngeCount++
		default:
			t.Errorf("protocol %q", f[0])
		}
	}
	if gs != len(want) || ngeCount < len(nge101test.Packets) {
		t.Errorf("%d GridStream frames (want %d), %d NGE101 packets", gs, len(want), ngeCount)
	}
}
