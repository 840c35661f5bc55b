package main_test

import (
	"strings"
	"testing"
)

// A label of a few words ending in ':' before a frame ("Frame 3:",
// "Packet 12:") is read like a row number: the frame after it is decoded,
// or reported when damaged; prose before a colon stays silent.
func TestFramesWordLabels(t *testing.T) {
	const f55 = "2A 55 00 23 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9032"
	in := "Frame 3: " + f55 + "\n" +
		"Packet 12: " + strings.Replace(f55, "A403", "A4O3", 1) + "\n" +
		"the frame we saw last night was: " + strings.Replace(f55, "A403", "A4O3", 1) + "\n"
	r := gridstream(t, []byte(in), "frames", "--state", "", "--no-learn")
	if strings.Count(r.stdout, `"crc_ok":true`) != 1 || !strings.Contains(r.stdout, `"input":"stdin:1"`) {
		t.Errorf("want line 1's frame decoded:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "line 2: not hex at digit 47 (20A4O3)") || strings.Contains(r.stderr, "line 3") || !strings.Contains(r.stderr, "count=1") {
		t.Errorf("want line 2 reported, line 3 not:\n%s", r.stderr)
	}
}
