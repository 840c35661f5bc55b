package outputs

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// flagValues are Settings as a command line gives them: defaults, and the
// flags given (set).
type flagValues struct {
	protocol.Values
	set map[string]bool
}

func (v flagValues) IsSet(name string) bool { return v.set[name] }

// given returns the output flags' defaults with the flags in kv given.
func given(kv ...any) flagValues {
	v := flagValues{Values: protocol.Values{"format": "json", "out-hwm": 1000, "out-max-subscribers": 64,
		"mqtt-format": "gridstream", "mqtt-qos": 1}, set: map[string]bool{}}
	for i := 0; i < len(kv); i += 2 {
		v.Values[kv[i].(string)], v.set[kv[i].(string)] = kv[i+1], true
	}
	return v
}

func TestOpen(t *testing.T) {
	var stdout bytes.Buffer
	ipc := "ipc://" + filepath.Join(t.TempDir(), "out.sock")
	o, err := Open(given("out", ipc), Config{Stdout: &stdout})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, out := range o.Outputs() {
		got = append(got, out.Name)
	}
	if want := []string{"stdout", "zmq msgpack " + ipc}; !slices.Equal(got, want) {
		t.Errorf("outputs %v, want %v", got, want)
	}
	if !o.OnlyGood {
		t.Error("without --all, unchecked frames go to every output")
	}
	o.Send(&frames.Message{Protocol: "toy", CRCOK: true, Raw: "2A"})
	if err := o.Close(); err != nil || !strings.Contains(stdout.String(), `"raw":"2A"`) {
		t.Errorf("stdout %q, close %v", stdout.String(), err)
	}

	o, err = Open(given("quiet", true, "all", true), Config{Stdout: &stdout})
	if err != nil || len(o.Outputs()) != 0 || o.OnlyGood {
		t.Errorf("--quiet --all: %v outputs, only good %v, %v", len(o.Outputs()), o.OnlyGood, err)
	}

	for _, tc := range []struct {
		kv   []any
		want string
	}{
		{[]any{"format", "xml"}, `--format "xml": want json or rtl433`},
		{[]any{"out-pmt", "bogus://x"}, "--out-pmt bogus://x: "},
		{[]any{"out", ipc + "2", "meter", []string{"F0EE36DB"}}, "--meter needs --mqtt URL"},
	} {
		if _, err := Open(given(tc.kv...), Config{Stdout: &stdout}); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.kv, err, tc.want)
		}
	}
}

func TestRTL433(t *testing.T) {
	for _, tc := range []struct {
		kv   []any
		want bool
	}{
		{nil, false},
		{[]any{"format", "RTL433"}, true},
		{[]any{"format", "rtl433", "quiet", true}, false},
		{[]any{"mqtt", "mqtt://b", "mqtt-format", "rtl433"}, true},
		{[]any{"mqtt-format", "rtl433"}, false},
	} {
		if got := RTL433(given(tc.kv...)); got != tc.want {
			t.Errorf("%v: %v, want %v", tc.kv, got, tc.want)
		}
	}
}
