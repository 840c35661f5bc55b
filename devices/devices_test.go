package devices

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
)

var epoch = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func meter(src string, at time.Time, uptime int64, freq float64, baud int) *frames.Message {
	init, net := "142A", 37103
	m := &frames.Message{Protocol: frames.ProtocolGridStream, CRCOK: true,
		GridStream: &frames.GridStream{Type: "55", Src: src, CRCInit: &init, NetworkID: &net, UptimeS: &uptime},
		Radio:      &frames.Radio{FreqHz: &freq, Baud: baud}}
	m.Stamp(at)
	return m
}

func TestMergeGridStream(t *testing.T) {
	tb := New(Config{})
	tb.Update(meter("40DA952B", epoch, 3600, 915.1e6, 9600))
	tb.Update(meter("40DA952B", epoch.Add(10*time.Second), 3610, 914.7e6, 38400))
	// Reception and uptime wobble by a second: the outage stays put.
	tb.Update(meter("40DA952B", epoch.Add(21*time.Second), 3620, 915.3e6, 9600))
	bad := meter("40DA952B", epoch.Add(time.Minute), 1, 0, 0)
	bad.CRCOK = false
	if _, _, ok := tb.Update(bad); ok {
		t.Error("a CRC-failed frame changed the table")
	}
	d, ok := tb.Get(Key("gridstream", "40DA952B"))
	if !ok {
		t.Fatal("device missing")
	}
	wantOutage := epoch.Add(-time.Hour)
	if d.Frames != 3 || !d.FirstHeard.Equal(epoch) || !d.LastHeard.Equal(epoch.Add(21*time.Second)) ||
		*d.FreqMinHz != 914.7e6 || *d.FreqMaxHz != 915.3e6 || fmt.Sprint(d.Bauds) != "[9600 38400]" ||
		d.Baud != 9600 || !d.LastOutage.Equal(wantOutage) || *d.UptimeS != 3620 || *d.CRCInit != "142A" {
		t.Errorf("merged state wrong: %+v", d)
	}
	// A real outage moves it.
	tb.Update(meter("40DA952B", epoch.Add(2*time.Hour), 60, 915e6, 9600))
	d, _ = tb.Get(Key("gridstream", "40DA952B"))
	if !d.LastOutage.Equal(epoch.Add(2*time.Hour - time.Minute)) {
		t.Errorf("last outage %v after a power cut", d.LastOutage)
	}
}

func TestMergeNGE101AndJSON(t *testing.T) {
	tb := New(Config{})
	gap, p := 4068, 906.1946902654868
	nan := math.NaN()
	m := &frames.Message{Protocol: frames.ProtocolNGE101, CRCOK: true,
		NGE101: &frames.NGE101{Bits: 55, ID: 147, Channel: 1, Gap: &gap, PowerW: &p},
		Radio:  &frames.Radio{RSSIdB: &nan}}
	m.Stamp(epoch)
	imp, e, bat := uint64(12345678), 12345.678, true
	m2 := &frames.Message{Protocol: frames.ProtocolNGE101, CRCOK: true,
		NGE101: &frames.NGE101{Bits: 71, ID: 147, Channel: 1, Impulses: &imp, EnergyKWh: &e, BatteryOK: &bat}}
	m2.Stamp(epoch.Add(time.Second))
	tb.Update(m)
	tb.Update(m2)
	s := tb.Snapshot()
	if len(s) != 1 {
		t.Fatalf("%d devices", len(s))
	}
	d := s[0]
	if d.ID != "1-147" || *d.PowerW != 906.2 || *d.EnergyKWh != e || !*d.BatteryOK || d.RSSIdB != nil || *d.DeviceID != 147 {
		t.Errorf("NGE101 state wrong: %+v", d)
	}
	if _, err := json.Marshal(s); err != nil {
		t.Errorf("snapshot does not encode: %v", err)
	}
}

// A full table evicts the least recently heard unpinned device; pinned
// devices always have a place.
func TestBounded(t *testing.T) {
	tb := New(Config{Max: 10, Pinned: func(_, id string) bool { return id == "0B1C2D3E" }})
	tb.Update(meter("0B1C2D3E", epoch, 1, 915e6, 9600))
	for i := range 100 {
		tb.Update(meter(fmt.Sprintf("%08X", 0x10000000+i), epoch, 1, 915e6, 9600))
		if i%3 == 0 {
			tb.Update(meter("77777777", epoch, 1, 915e6, 9600))
		}
	}
	st := tb.Stats()
	_, pinned := tb.Get(Key("gridstream", "0B1C2D3E"))
	_, regular := tb.Get(Key("gridstream", "77777777"))
	_, last := tb.Get(Key("gridstream", fmt.Sprintf("%08X", 0x10000000+99)))
	_, first := tb.Get(Key("gridstream", "10000000"))
	if st.Devices != 10 || st.Evicted != 92 || !pinned || !regular || !last || first {
		t.Errorf("stats %+v, pinned kept %v, regular kept %v, last kept %v, first kept %v", st, pinned, regular, last, first)
	}
}

// The table's memory per device stays small: 5000 devices well under 10 MB.
func TestMemoryBound(t *testing.T) {
	tb := New(Config{})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 2 * DefaultMax {
		tb.Update(meter(fmt.Sprintf("%08X", i), epoch, int64(i), 915e6+float64(i), 9600+9600*(i%3)))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / DefaultMax
	t.Logf("%.0f bytes per device", per)
	if tb.Len() != DefaultMax || per > 2048 {
		t.Errorf("%d devices, %.0f bytes each", tb.Len(), per)
	}
	runtime.KeepAlive(tb)
}

func BenchmarkUpdate(b *testing.B) {
	tb := New(Config{})
	msgs := make([]*frames.Message, 1000)
	for i := range msgs {
		msgs[i] = meter(fmt.Sprintf("%08X", i), epoch, 1, 915e6, 9600)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tb.Update(msgs[i%len(msgs)])
	}
}
