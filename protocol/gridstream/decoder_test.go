package gridstream_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream/gridstreamtest"
)

var fixedTime = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

func decodeAll(t *testing.T, dec *gridstream.Decoder, hf []gridstream.HexFrame) []*frames.Message {
	t.Helper()
	var out []*frames.Message
	for _, h := range hf {
		dec.Frame(gridstream.RawFrame{Bytes: h.Bytes, Version: h.Version, Complete: h.Complete}, protocol.Output{Emit: func(m *frames.Message) {
			out = append(out, m)
		}})
	}
	return out
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// Every seed packet decodes with the right fields; the unpublished utility
// of seed 000 is learned from its own packets.
func TestSeedFrames(t *testing.T) {
	dec, err := gridstream.NewDecoder(gridstream.Config{Now: fixedTime})
	if err != nil {
		t.Fatal(err)
	}
	msgs := decodeAll(t, dec, gridstreamtest.SeedFrames(t))
	type want struct {
		typ, ci, init, utility, src, dst, srcWAN string
		network, counter                         any
		uptime                                   any
		learned                                  bool
		version                                  int
	}
	wants := []want{
		{"55", "30", "45F8", "CoServ (Dallas TX)", "5021D005", "", "FE5021D00500", 37700, 0x7C, int64(0x0003FB20), false, 4},
		{"55", "30", "45F8", "CoServ (Dallas TX)", "5021D005", "", "FE5021D00500", 37700, 0xAE, int64(0x0003FB9E), false, 4},
		{"55", "30", "45F8", "CoServ (Dallas TX)", "5021D005", "", "FE5021D00500", 37700, 0xB8, int64(0x0003FBC1), false, 4},
		// Seed 000's own meter: its network is in no table. The first packet
		// waits; the second confirms the solved init and both come out.
		{"55", "30", "B5E3", "", "40DA952B", "", "FE40DA952B00", 14045, 0x7E, int64(0x006D627B), true, 4},
		{"55", "30", "B5E3", "", "40DA952B", "", "FE40DA952B00", 14045, 0x3A, int64(0x006D6381), true, 4},
		{"55", "30", "B5E3", "", "40DA2351", "", "FE40DA235100", 14045, 0x00, int64(0x006D65A4), true, 4},
	}
	oncor := []struct {
		counter int
		uptime  int64
	}{{0x0C, 0x0001ECBF}, {0x16, 0x0001ECC6}, {0x2A, 0x0001ED05}, {0x34, 0x0001ED29}, {0x38, 0x0001ED37},
		{0x42, 0x0001ED5C}, {0x4C, 0x0001ED60}, {0x4E, 0x0001ED79}, {0x60, 0x0001EDA6}, {0x6A, 0x0001EDCD}}
	for _, o := range oncor {
		wants = append(wants, want{"55", "30", "5FD6", "Oncor (Dallas TX)", "F0EE36DB", "", "50CF8DD9E2C0", 38100, o.counter, o.uptime, false, 4})
	}
	d5 := func(ci, dst, src string) want {
		return want{"D5", ci, "5FD6", "Oncor (Dallas TX)", src, dst, "", 38100, nil, nil, false, 4}
	}
	wants = append(wants,
		d5("21", "F05FCB84", "F0FC4DB1"), d5("21", "F073B577", "F062363D"), d5("29", "8073AEAC", "F0F28D56"),
		d5("21", "F10679E2", "8073CE7D"), d5("29", "8073ADB3", "8073CE7D"), d5("22", "F05A1A60", "8073CE7D"))
	clock := d5("51", "F05A4BCC", "F03D4CD7")
	clock.uptime, clock.srcWAN = int64(0x00022BE9), "50D075D9E2E0"
	wants = append(wants, clock,
		want{"D5", "29", "142A", "Puget Sound Energy", "900000FD", "900000D5", "", 37103, nil, nil, false, 5},
		want{"D5", "22", "142A", "Puget Sound Energy", "900000C7", "90000057", "", 37103, nil, nil, false, 5})
	if len(msgs) != len(wants) {
		t.Fatalf("%d messages, want %d", len(msgs), len(wants))
	}
	for i, w := range wants {
		m := msgs[i]
		g := gs(m)
		utility := ""
		if g.Utility != nil {
			utility = *g.Utility
		}
		if !m.CRCOK || g.Type != w.typ || g.CI != w.ci || deref(g.CRCInit) != w.init || utility != w.utility ||
			g.Src != w.src || g.Dst != w.dst || g.SrcWAN != w.srcWAN || deref(g.NetworkID) != w.network ||
			deref(g.Counter) != w.counter || deref(g.UptimeS) != w.uptime || g.Learned != w.learned || g.Version != w.version {
			t.Errorf("message %d: %+v %+v\nwant %+v", i, m, g, w)
		}
	}
	if c := gs(msgs[len(msgs)-3]).Clock; c != "2021-02-21T23:57:51Z" {
		t.Errorf("0xD5 len 0x47 clock %q", c)
	}
	if st := dec.Counts(); st.Encrypted != 0 || st.Unchecked != 1 || st.Failed != 0 || st.Learned != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestNetworkIDs(t *testing.T) {
	for id, init := range map[uint16]uint16{38100: 0x5FD6, 37700: 0x45F8, 35600: 0xD553, 8100: 0xE623, 14045: 0xB5E3} {
		if got := gridstream.InitForNetwork(id); got != init {
			t.Errorf("InitForNetwork(%d) = %04X, want %04X", id, got, init)
		}
		if got := gridstream.NetworkForInit(init); got != id {
			t.Errorf("NetworkForInit(%04X) = %d, want %d", init, got, id)
		}
	}
}

// NetworkForInit inverts InitForNetwork over all 16 bits.
func TestNetworkForInitInverts(t *testing.T) {
	for id := range 1 << 16 {
		if got := gridstream.NetworkForInit(gridstream.InitForNetwork(uint16(id))); got != uint16(id) {
			t.Fatalf("NetworkForInit(InitForNetwork(%d)) = %d", id, got)
		}
	}
}

func TestSolveInit(t *testing.T) {
	data := []byte("the CI byte through the byte before the CRC")
	for _, init := range []uint16{0, 1, 0x5FD6, 0xFFFF, 0x8000} {
		if got := gridstream.SolveInit(data, gridstream.CRC16(init, data)); got != init {
			t.Errorf("SolveInit = %04X, want %04X", got, init)
		}
	}
}

// unknownFrame builds a valid 0x55 frame of network init with counter c,
// sent by a meter of that network (LAN id 1234 and the init).
func unknownFrame(init uint16, counter byte) []byte {
	hi, lo := byte(init>>8), byte(init)
	f := []byte{0x2A, 0x55, 0x00, 0x23, 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0x12, 0x34, hi, lo, 0x00,
		counter, 0x00, 0x01, 0x02, 0x03, 0xA4, 0x0B, 0x12, 0x34, hi, lo, 0x01, 0x00, 0x16, 0x15, 0x05, 0x14, 0x7E, 0x7E, 0x00}
	c := gridstream.CRC16(init, f[4:])
	return append(f, byte(c>>8), byte(c))
}

func TestLearning(t *testing.T) {
	const init = 0x1234
	send := func(dec *gridstream.Decoder, f []byte) []*frames.Message {
		var out []*frames.Message
		dec.Frame(gridstream.RawFrame{Bytes: f, Version: 4, Complete: true}, protocol.Output{Emit: func(m *frames.Message) { out = append(out, m) }})
		return out
	}
	t.Run("the same frame twice does not confirm", func(t *testing.T) {
		dec, _ := gridstream.NewDecoder(gridstream.Config{})
		f := unknownFrame(init, 1)
		if n := len(send(dec, f)) + len(send(dec, f)); n != 0 {
			t.Fatalf("%d messages", n)
		}
	})
	t.Run("a second different frame confirms and persists", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "sub", "networks.json")
		dec, _ := gridstream.NewDecoder(gridstream.Config{StatePath: state})
		if got := send(dec, unknownFrame(init, 1)); len(got) != 0 {
			t.Fatalf("a lone frame was emitted: %+v", got)
		}
		got := send(dec, unknownFrame(init, 2))
		if len(got) != 2 || !gs(got[0]).Learned || !gs(got[1]).Learned || *gs(got[1]).CRCInit != "1234" ||
			*gs(got[0]).NetworkID != int(gridstream.NetworkForInit(init)) || *gs(got[0]).Counter != 1 {
			t.Fatalf("got %+v", got)
		}
		// A restart keeps the network: one frame is enough now.
		dec2, err := gridstream.NewDecoder(gridstream.Config{StatePath: state})
		if err != nil {
			t.Fatal(err)
		}
		if got := send(dec2, unknownFrame(init, 3)); len(got) != 1 || !got[0].CRCOK || !gs(got[0]).Learned {
			t.Fatalf("after restart: %+v", got)
		}
	})
	t.Run("damaged frames of a network on the air confirm nothing", func(t *testing.T) {
		dec, _ := gridstream.NewDecoder(gridstream.Config{})
		if got := send(dec, unknownFrame(0x5FD6, 1)); len(got) != 1 {
			t.Fatal("the good Oncor frame was not decoded")
		}
		for c := byte(2); c < 6; c++ {
			f := unknownFrame(0x5FD6, c)
			f[20] ^= 0x10 // the same bit, as a systematic receiver error would
			if got := send(dec, f); len(got) != 0 {
				t.Fatalf("a damaged frame was emitted: %+v", got[0])
			}
		}
		if st := dec.Counts(); st.Learned != 0 || st.Failed != 4 {
			t.Fatalf("stats %+v", st)
		}
	})
	t.Run("--all shows the waiting frame at once", func(t *testing.T) {
		dec, _ := gridstream.NewDecoder(gridstream.Config{EmitFailed: true})
		if got := send(dec, unknownFrame(init, 1)); len(got) != 1 || got[0].CRCOK || gs(got[0]).CRCInit != nil {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("--no-learn", func(t *testing.T) {
		dec, _ := gridstream.NewDecoder(gridstream.Config{NoLearn: true})
		if n := len(send(dec, unknownFrame(init, 1))) + len(send(dec, unknownFrame(init, 2))); n != 0 {
			t.Fatalf("%d messages", n)
		}
	})
	t.Run("user init", func(t *testing.T) {
		dec, _ := gridstream.NewDecoder(gridstream.Config{CRCInits: []uint16{init}})
		got := send(dec, unknownFrame(init, 1))
		if len(got) != 1 || !got[0].CRCOK || gs(got[0]).Learned || gs(got[0]).Utility != nil {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("a corrupt state file is a clear error", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "networks.json")
		os.WriteFile(state, []byte("{not json"), 0o644)
		if _, err := gridstream.NewDecoder(gridstream.Config{StatePath: state}); err == nil || !strings.Contains(err.Error(), state) {
			t.Fatalf("err %v", err)
		}
	})
}

// Stats and messages agree on 0xD2 frames: CI 0x52 is encrypted in both;
// another CI that no known init explains (seed 000's D2 04 53 BE 06 FC) is
// encrypted in neither, counted as unchecked, and never learned from.
func TestEncryptedFrame(t *testing.T) {
	dec, _ := gridstream.NewDecoder(gridstream.Config{EmitFailed: true})
	var got []*frames.Message
	out := protocol.Output{Emit: func(m *frames.Message) { got = append(got, m) }}
	dec.Frame(gridstream.RawFrame{Bytes: []byte{0x2A, 0xD2, 0x05, 0x52, 0x01, 0x02, 0xAA, 0xBB}, Version: 5, Complete: true}, out)
	if len(got) != 1 || !gs(got[0]).Encrypted || got[0].CRCOK || gs(got[0]).CI != "52" || gs(got[0]).Length != 5 {
		t.Fatalf("got %+v", got)
	}
	if st := dec.Counts(); st.Encrypted != 1 || st.Unchecked != 0 || st.Failed != 0 {
		t.Fatalf("stats %+v", st)
	}
	got = nil
	dec.Frame(gridstream.RawFrame{Bytes: []byte{0x2A, 0xD2, 0x04, 0x53, 0xBE, 0x06, 0xFC}, Version: 4, Complete: true}, out)
	for i := range byte(2) { // as if CRC-covered under an unknown init: still not learned
		f := []byte{0x2A, 0xD2, 0x04, 0x53, i}
		c := gridstream.CRC16(0x1234, f[3:])
		dec.Frame(gridstream.RawFrame{Bytes: append(f, byte(c>>8), byte(c)), Version: 4, Complete: true}, out)
	}
	if len(got) != 3 || gs(got[0]).Encrypted || got[0].CRCOK || gs(got[0]).CI != "53" {
		t.Fatalf("got %+v", got)
	}
	if st := dec.Counts(); st.Encrypted != 1 || st.Unchecked != 3 || st.Failed != 0 || st.Learned != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// A known network's frame with any one bit flipped (body or CRC) is
// recognised as damaged, so it never enters the learning pool.
func TestOneBitFrom(t *testing.T) {
	f := unknownFrame(0x5FD6, 7)
	body, crc := f[4:len(f)-2], f[len(f)-2:]
	for bit := range 8 * (len(body) + 2) {
		b := append(append([]byte(nil), body...), crc...)
		b[bit/8] ^= 0x80 >> (bit % 8)
		n := len(body)
		solved := gridstream.SolveInit(b[:n], uint16(b[n])<<8|uint16(b[n+1]))
		if solved == 0x5FD6 {
			t.Fatalf("bit %d: flip left the CRC valid", bit)
		}
		if !gridstream.OneBitFrom(solved, 0x5FD6, n) {
			t.Fatalf("bit %d: not recognised as one bit from 5FD6", bit)
		}
	}
	// A frame of another network is not (for this init pair).
	g := unknownFrame(0x1234, 7)
	if gridstream.OneBitFrom(0x1234, 0x5FD6, len(g)-6) {
		t.Fatal("another network's frame looks one bit away")
	}
}

func gs(m *frames.Message) *gridstream.Fields { return m.Fields.(*gridstream.Fields) }
