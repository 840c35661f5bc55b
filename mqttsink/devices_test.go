package mqttsink

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/mosquitto"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// After more fake meter ids than the device table holds, the user's own
// --meter is still published, and the table evicts the least recently
// heard devices, not those heard again.
func TestMeterAlwaysHasAPlace(t *testing.T) {
	b := mosquitto.Start(t, mosquitto.Options{})
	s := newSink(t, Config{URL: b.URL(), Meters: []string{"0B1C2D3E"}})
	const fakes = DefaultMaxDevices + 1000
	for i := range fakes {
		s.Send(meterMsg(fmt.Sprintf("%08X", 0x10000000+i), 1, 10, epoch, nil))
		if i%500 == 0 {
			// A neighbour heard all along is not evicted.
			s.Send(meterMsg("77777777", i%256, int64(i), epoch, nil))
		}
	}
	s.Send(meterMsg("0B1C2D3E", 9, 3600, epoch, nil))
	flush(t, s)
	s.mu.Lock()
	devices, listed := s.devices.Len(), s.devices.Evictable()
	_, first := s.devices.Get("gridstream/10000000")
	_, last := s.devices.Get(fmt.Sprintf("gridstream/%08X", 0x10000000+fakes-1))
	_, neighbour := s.devices.Get("gridstream/77777777")
	s.mu.Unlock()
	if devices != DefaultMaxDevices || listed != DefaultMaxDevices-1 || first || !last || !neighbour {
		t.Errorf("%d devices (%d evictable), first fake kept %v, last fake kept %v, regular neighbour kept %v",
			devices, listed, first, last, neighbour)
	}
	got := mosquitto.Retained(t, b.URL(), "", "", "gridstream/gridstream/0B1C2D3E/state", 300*time.Millisecond)
	st, ok := got["gridstream/gridstream/0B1C2D3E/state"]
	var v map[string]any
	if !ok || json.Unmarshal(st.Payload, &v) != nil || v["counter"] != 9.0 {
		t.Fatalf("the --meter device was not published after %d fake ids: %v", fakes, got)
	}
	// The meter is never evicted, however many devices follow.
	for i := range DefaultMaxDevices + 100 {
		s.Send(meterMsg(fmt.Sprintf("%08X", 0x20000000+i), 1, 10, epoch, nil))
	}
	s.Send(meterMsg("0B1C2D3E", 10, 3601, epoch, nil))
	s.mu.Lock()
	d, _ := s.devices.Get("gridstream/0B1C2D3E")
	frames := d.state.(*gridstream.MeterState).Frames
	s.mu.Unlock()
	if frames != 2 {
		t.Errorf("the --meter device lost its state: %d frames, want 2", frames)
	}
}

// BenchmarkSendNewDevices sends a new device id per message to a full
// table: each evicts the least recently heard (O(1) per message).
func BenchmarkSendNewDevices(b *testing.B) {
	br := mosquitto.Start(b, mosquitto.Options{})
	s, err := New(Config{URL: br.URL(), ClientID: "bench-devices", Meters: []string{"0B1C2D3E"}}, quiet())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		s.Send(meterMsg(fmt.Sprintf("%08X", i), 1, 10, epoch, nil))
	}
}

// The device table's memory stays within its documented bound (README,
// Limits and memory) however many devices are heard, with the broker away
// so that every state waits.
func TestDeviceTableMemory(t *testing.T) {
	away := fmt.Sprintf("mqtt://127.0.0.1:%d", mosquitto.FreePort(t))
	s, err := New(Config{URL: away, ClientID: "mem", Meters: []string{"0B1C2D3E"}, DiscoverAll: true}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	for i := range 3 * DefaultMaxDevices {
		s.Send(meterMsg(fmt.Sprintf("%08X", i), i%256, int64(i), epoch, ptr(-40.5)))
	}
	s.Send(meterMsg("0B1C2D3E", 1, 1, epoch, nil))
	grew := int64(heap()) - int64(before)
	s.mu.Lock()
	n, queued := s.devices.Len(), len(s.queue)
	s.mu.Unlock()
	per := grew / int64(n)
	t.Logf("%d devices, %d queued: heap grew %d bytes, %d per device", n, queued, grew, per)
	if n != DefaultMaxDevices || queued != n || per > 2048 {
		t.Errorf("%d devices, %d queued, %d bytes per device; want %d, all queued, ≤ 2 KB each", n, queued, per, DefaultMaxDevices)
	}
}
