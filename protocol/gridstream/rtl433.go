package gridstream

import (
	"strconv"
	"strings"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// RTL433Model is the model string of rtl_433's GridStream decoder.
const RTL433Model = "LandisGyr-GS"

// RTL433 returns the fields rtl_433's GridStream decoder ("LandisGyr-GS")
// prints for m, in its order and spelling: lower-case hex ids, decimal
// subtype and CI, its table's location and provider. rtl_433 prints an
// encrypted 0xD2 frame without a CRC check, and nothing for a failed CRC.
func (Protocol) RTL433(m *frames.Message) ([]protocol.Field, bool) {
	g, ok := m.Fields.(*Fields)
	if !ok {
		return nil, false
	}
	subtype, _ := strconv.ParseUint(g.Type, 16, 8)
	ci, _ := strconv.ParseUint(g.CI, 16, 8)
	f := []protocol.Field{{Key: "model", Value: RTL433Model}}
	add := func(k string, v any) { f = append(f, protocol.Field{Key: k, Value: v}) }
	if g.Encrypted {
		add("subtype", subtype)
		add("protoversion", g.Version)
		add("ci", ci)
		add("encrypted", 1)
		return f, true
	}
	if !m.CRCOK || g.CRCInit == nil {
		return nil, false
	}
	init, err := ParseInit(*g.CRCInit)
	if err != nil {
		return nil, false
	}
	add("networkID", strings.ToLower(FormatInit(init)))
	if u := utilityOf(init); u != nil {
		add("location", u.Location)
		add("provider", u.Provider)
	}
	add("subtype", subtype)
	add("protoversion", g.Version)
	add("ci", ci)
	add("mic", "CRC")
	if g.Type != "D2" && g.Src != "" {
		add("id", strings.ToLower(g.Src))
	}
	if g.SrcWAN != "" {
		add("wanaddress", strings.ToLower(g.SrcWAN))
	}
	switch g.Type {
	case "55":
		if g.DstWAN != "" {
			add("destaddress", strings.ToLower(g.DstWAN))
		}
	case "D5":
		if g.Dst != "" {
			add("destaddress", strings.ToLower(g.Dst))
		}
	}
	if g.Clock != "" {
		if t, err := time.Parse(time.RFC3339, g.Clock); err == nil {
			add("timestamp", t.Unix())
		}
	}
	if g.UptimeS != nil && *g.UptimeS > 0 {
		add("uptime", *g.UptimeS)
	}
	return f, true
}

// utilityOf returns the table entry of a CRC init, nil when it has none.
func utilityOf(init uint16) *Utility {
	for i := range Utilities {
		if Utilities[i].Init == init {
			return &Utilities[i]
		}
	}
	return nil
}
