package devices

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/protocols"
)

var epoch = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func meter(src string, at time.Time, uptime int64, freq float64, baud int) *frames.Message {
	init, net := "142A", 37103
	m := &frames.Message{Protocol: gridstream.Name, CRCOK: true,
		Fields: &gridstream.Fields{Type: "55", Src: src, CRCInit: &init, NetworkID: &net, UptimeS: &uptime},
		Radio:  &frames.Radio{FreqHz: &freq, Baud: baud}}
	m.Stamp(at)
	return m
}

// A tracked meter's row: the summary (first and last heard, frequency
// range, bauds) and the protocol's state (uptime, last outage, network),
// as one JSON object.
func TestTrackerRow(t *testing.T) {
	tr := NewTracker(protocols.All(), 100)
	tr.Send(meter("40DA952B", epoch, 3600, 915.1e6, 9600))
	tr.Send(meter("40DA952B", epoch.Add(10*time.Second), 3610, 914.7e6, 38400))
	tr.Send(meter("40DA952B", epoch.Add(21*time.Second), 3620, 915.3e6, 9600))
	bad := meter("40DA952B", epoch.Add(time.Minute), 1, 0, 0)
	bad.CRCOK = false
	tr.Send(bad)
	rows := tr.Rows()
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	b, err := json.Marshal(rows[0])
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"protocol": "gridstream", "id": "40DA952B", "pinned": false, "frames": 3.0,
		"first_heard": "2026-11-23T12:00:00Z", "last_heard": "2026-11-23T12:00:21Z",
		"freq_min_hz": 914.7e6, "freq_max_hz": 915.3e6, "uptime_s": 3620.0,
		"last_outage": "2026-11-23T11:00:00Z", "crc_init": "142A", "network_id": 37103.0, "learned": false,
	}
	for k, w := range want {
		if v[k] != w {
			t.Errorf("%s = %v, want %v (row %s)", k, v[k], w, b)
		}
	}
	if fmt.Sprint(v["bauds"]) != "[9600 38400]" {
		t.Errorf("bauds %v", v["bauds"])
	}
}

func TestTrackerNGE101(t *testing.T) {
	tr := NewTracker(protocols.All(), 100)
	gap, p := 4068, 906.1946902654868
	nan := math.NaN()
	m := &frames.Message{Protocol: nge101.Name, CRCOK: true,
		Fields: &nge101.Fields{Bits: 55, ID: 147, Channel: 1, Gap: &gap, PowerW: &p},
		Radio:  &frames.Radio{RSSIdB: &nan}}
	m.Stamp(epoch)
	tr.Send(m)
	b, err := json.Marshal(tr.Rows())
	if err != nil {
		t.Fatalf("rows do not encode: %v", err)
	}
	var v []map[string]any
	json.Unmarshal(b, &v)
	if len(v) != 1 || v[0]["id"] != "1-147" || v[0]["power_w"] != 906.2 || v[0]["frames"] != 1.0 {
		t.Errorf("NGE101 row %s", b)
	}
}

// A full tracker evicts the least recently heard device, counted.
func TestTrackerBounded(t *testing.T) {
	tr := NewTracker(protocols.All(), 10)
	for i := range 100 {
		tr.Send(meter(fmt.Sprintf("%08X", 0x10000000+i), epoch.Add(time.Duration(i)*time.Second), 1, 915e6, 9600))
		if i%3 == 0 {
			tr.Send(meter("77777777", epoch.Add(time.Duration(i)*time.Second), 1, 915e6, 9600))
		}
	}
	n, evicted := tr.Stats()
	rows := tr.Rows()
	if n != 10 || evicted != 91 || len(rows) != 10 || rows[0].ID != "10000063" {
		t.Errorf("%d devices, %d evicted, first row %+v", n, evicted, rows[0])
	}
	kept := false
	for _, r := range rows {
		kept = kept || r.ID == "77777777"
	}
	if !kept {
		t.Error("a device heard all along was evicted")
	}
}

// The tracker's memory per device stays small: 5000 devices well under
// 10 MB.
func TestTrackerMemory(t *testing.T) {
	tr := NewTracker(protocols.All(), 5000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 10000 {
		tr.Send(meter(fmt.Sprintf("%08X", i), epoch, int64(i), 915e6+float64(i), 9600+9600*(i%3)))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / 5000
	t.Logf("%.0f bytes per device", per)
	if n, _ := tr.Stats(); n != 5000 || per > 2048 {
		t.Errorf("%d devices, %.0f bytes each", n, per)
	}
	runtime.KeepAlive(tr)
}
