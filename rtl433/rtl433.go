// Package rtl433 writes gridstream messages as rtl_433 JSON events: the same
// model strings and field names that rtl_433's own "LandisGyr-GS" (GridStream)
// and "Norgo-NGE101" decoders print with `-F json`, so pipelines built around
// rtl_433 (rtl_433 → MQTT bridges, log parsers, dashboards) keep working when
// gridstream replaces it as the receiver.
//
// Only what rtl_433 itself would print is printed: frames that fail their CRC
// or check bits are not events (Encode reports false), GridStream ids are
// lower-case hex, and derived values that rtl_433 leaves to the consumer
// (NGE101 power and energy) are not added. Receiver measurements, when known,
// use rtl_433's meta-data names ("mod", "freq" in MHz, "rssi", "snr").
package rtl433

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

// Model strings used by rtl_433 for the two devices.
const (
	ModelGridStream = "LandisGyr-GS"
	ModelNGE101     = "Norgo-NGE101"
)

// TimeLayout is rtl_433's default "time" field layout (local time, seconds).
const TimeLayout = "2006-01-02 15:04:05"

// network is how rtl_433 names a utility network in its "location" and
// "provider" fields, keyed by the network's CRC init (upper-case hex).
type network struct{ location, provider string }

// networks lists the utility networks rtl_433 knows, with its spelling of
// their location and provider, so the strings match rtl_433's output exactly.
var networks = map[string]network{
	"E623": {"Kansas City, MO", "Evergy-Missouri West"},
	"5FD6": {"Dallas, TX", "Oncor"},
	"D553": {"Austin, TX", "Austin Energy"},
	"45F8": {"Dallas, TX", "CoServ"},
	"62C1": {"Quebec, CAN", "Hydro-Quebec"},
	"23D1": {"Seattle, WA", "Seattle City Light"},
	"2C22": {"Santa Barbara, CA", "Southern California Edison"},
	"142A": {"Washington", "Puget Sound Energy"},
	"47F7": {"Pennsylvania", "PPL Electric"},
	"22C6": {"Long Island, NY", "PSEG Long Island"},
	"8819": {"Alameda, CA", "Alameda Municipal Power"},
	"4E2D": {"Milwaukee, WI", "We Energies"},
	"1D65": {"Phoenix, AZ", "APS"},
	"B9A9": {"Mattoon, IL", "Coles-Moultrie Electric Co-op"},
	"D1FF": {"Newark, NJ", "PSEG New Jersey"},
}

// Encode returns m as one rtl_433 JSON object (no trailing newline). ok is
// false when rtl_433 would print nothing for the frame: a failed CRC or check,
// or a message of neither protocol.
func Encode(m *frames.Message) (line []byte, ok bool) {
	if m == nil {
		return nil, false
	}
	var o object
	o.add("time", rtlTime(m.Time))
	mod := "FSK"
	switch f := m.Fields.(type) {
	case *gridstream.Fields:
		if !gridStream(&o, m, f) {
			return nil, false
		}
	case *nge101.Fields:
		if !m.CRCOK {
			return nil, false
		}
		n := f
		mod = "ASK"
		o.add("model", ModelNGE101)
		o.add("id", n.ID)
		o.add("channel", n.Channel)
		if n.Gap != nil {
			o.add("gap", *n.Gap)
		}
		if n.Impulses != nil {
			o.add("impulses", *n.Impulses)
		}
		if n.BatteryOK != nil {
			o.add("battery_ok", boolInt(*n.BatteryOK))
		}
		o.add("mic", "CRC")
	default:
		return nil, false
	}
	if m.Radio != nil {
		if m.FreqHz != nil || m.RSSIdB != nil || m.SNRdB != nil {
			o.add("mod", mod)
		}
		if m.FreqHz != nil {
			o.add("freq", round(*m.FreqHz/1e6, 3))
		}
		if m.RSSIdB != nil {
			o.add("rssi", round(*m.RSSIdB, 1))
		}
		if m.SNRdB != nil {
			o.add("snr", round(*m.SNRdB, 1))
		}
	}
	return o.bytes(), true
}

// gridStream adds the fields of a GridStream frame; false when rtl_433 would
// drop it.
func gridStream(o *object, m *frames.Message, g *gridstream.Fields) bool {
	subtype, _ := strconv.ParseUint(g.Type, 16, 8)
	ci, _ := strconv.ParseUint(g.CI, 16, 8)
	o.add("model", ModelGridStream)
	if g.Encrypted {
		// rtl_433 reports encrypted 0xD2 frames without a CRC check.
		o.add("subtype", subtype)
		o.add("protoversion", g.Version)
		o.add("ci", ci)
		o.add("encrypted", 1)
		return true
	}
	if !m.CRCOK || g.CRCInit == nil {
		return false
	}
	init := strings.ToUpper(*g.CRCInit)
	o.add("networkID", strings.ToLower(init))
	if n, ok := networks[init]; ok {
		o.add("location", n.location)
		o.add("provider", n.provider)
	} else if g.Utility != nil {
		o.add("provider", *g.Utility)
	}
	o.add("subtype", subtype)
	o.add("protoversion", g.Version)
	o.add("ci", ci)
	o.add("mic", "CRC")
	if g.Type != "D2" && g.Src != "" {
		o.add("id", strings.ToLower(g.Src))
	}
	if g.SrcWAN != "" {
		o.add("wanaddress", strings.ToLower(g.SrcWAN))
	}
	switch g.Type {
	case "55":
		if g.DstWAN != "" {
			o.add("destaddress", strings.ToLower(g.DstWAN))
		}
	case "D5":
		if g.Dst != "" {
			o.add("destaddress", strings.ToLower(g.Dst))
		}
	}
	if g.Clock != "" {
		if t, err := time.Parse(time.RFC3339, g.Clock); err == nil {
			o.add("timestamp", t.Unix())
		}
	}
	if g.UptimeS != nil && *g.UptimeS > 0 {
		o.add("uptime", *g.UptimeS)
	}
	return true
}

// rtlTime converts a message time (RFC 3339) to rtl_433's local-time layout;
// an empty or unparsable time becomes the current time.
func rtlTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t = time.Now()
	}
	return t.Local().Format(TimeLayout)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// object is a JSON object that keeps its keys in insertion order, as rtl_433
// prints them.
type object struct {
	keys []string
	vals []any
}

func (o *object) add(k string, v any) {
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, v)
}

func (o *object) bytes() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteString(", ")
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(o.vals[i])
		if err != nil {
			vb = []byte("null")
		}
		b.Write(kb)
		b.WriteString(" : ")
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes()
}
