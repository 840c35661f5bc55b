package synth

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/samples"
)

// FuzzReadTruth reads arbitrary truth files: an error or lines that write
// out and read back the same.
func FuzzReadTruth(f *testing.F) {
	for _, rec := range samples.Demo() {
		f.Add(rec.Truth)
	}
	f.Add([]byte("{\"protocol\":\"gridstream\",\"raw\":\"2A\",\"start\":1e30}\n\n{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := ReadTruth(bytes.NewReader(data))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		var b bytes.Buffer
		if err := WriteTruth(&b, lines); err != nil {
			t.Fatal(err)
		}
		again, err := ReadTruth(&b)
		if err != nil || len(again) != len(lines) || len(lines) > 0 && !reflect.DeepEqual(again, lines) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, lines, again)
		}
	})
}
