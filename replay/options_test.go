package replay

import (
	"strings"
	"testing"
	"time"
)

func TestOptionsCheck(t *testing.T) {
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		opt       Options
		levelRate float64
		want      string // "" when fine
	}{
		{Options{Format: Auto}, 0, ""},
		{Options{Format: "Float32", Invert: true}, 0, ""},
		{Options{Format: "unpacked", Rate: 9600, Start: start}, 0, ""},
		{Options{Format: Levels}, 250e3, ""},
		{Options{Format: Levels, Start: start}, 250e3, ""},
		{Options{Format: Levels}, 0, "--input-format levels needs --level-rate"},
		{Options{Format: Levels, Rate: 9600}, 250e3, "--bit-rate is for bit recordings"},
		{Options{Format: Auto, Start: start}, 0, "--start-time needs --bit-rate"},
		{Options{Format: "wav"}, 0, `--input-format "wav": want auto, unpacked`},
		{Options{Format: Auto}, 250e3, "--level-rate is for --input-format levels"},
		{Options{Format: "packed"}, 250e3, "--level-rate is for --input-format levels"},
	} {
		err := tc.opt.Check(tc.levelRate)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)) {
			t.Errorf("%+v, level rate %g: %v; want %q", tc.opt, tc.levelRate, err, tc.want)
		}
	}
}
