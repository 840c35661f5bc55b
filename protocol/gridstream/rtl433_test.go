package gridstream_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// rtl433Networks is rtl_433 25.12's known_crc_init table
// (src/devices/gridstream.c), in its order and spelling.
var rtl433Networks = []struct{ init, location, provider string }{
	{"e623", "Kansas City MO", "Evergy-Missouri West"},
	{"5fd6", "Dallas TX", "Oncor"},
	{"d553", "Austin TX", "Austin Energy"},
	{"45f8", "Dallas TX", "CoServ"},
	{"62c1", "Quebec CAN", "Hydro-Quebec"},
	{"23d1", "Seattle WA", "Seattle City Light"},
	{"2c22", "Santa Barbara CA", "Southern California Edison"},
	{"142a", "Washington", "Puget Sound Energy"},
	{"47f7", "Pennsylvania", "PPL Electric"},
	{"22c6", "Long Island NY", "PSEG Long Island"},
	{"8819", "Alameda CA", "Alameda Municipal Power"},
	{"4e2d", "Milwaukee WI", "We Energies"},
	{"1d65", "Phoenix AZ", "APS"},
	{"b9a9", "Mattoon IL", "Coles-Moultrie Electric Co-op"},
	{"d1ff", "Newark NJ", "PSEG New Jersey"},
	{"ba1f", "Burleson TX", "United Cooperative Services"},
}

// The rtl_433 dialect names every network of rtl_433's table as rtl_433
// prints it, from the one utility table, and gridstream knows exactly the
// networks rtl_433 knows.
func TestRTL433Networks(t *testing.T) {
	if len(gridstream.Utilities) != len(rtl433Networks) {
		t.Errorf("%d utilities, rtl_433 knows %d", len(gridstream.Utilities), len(rtl433Networks))
	}
	for _, n := range rtl433Networks {
		init := strings.ToUpper(n.init)
		m := &frames.Message{Protocol: gridstream.Name, CRCOK: true,
			Fields: &gridstream.Fields{Version: 4, Type: "55", CI: "30", CRCInit: &init}}
		fields, ok := gridstream.Protocol{}.RTL433(m)
		got := map[string]any{}
		for _, f := range fields {
			got[f.Key] = f.Value
		}
		if !ok || got["networkID"] != n.init || got["location"] != n.location || got["provider"] != n.provider {
			t.Errorf("%s: %v %v, want rtl_433's %q %q", n.init, ok, fields, n.location, n.provider)
		}
	}
}

// A network rtl_433 does not know (learned, or given with --crc-init) is
// printed with its id and no location or provider.
func TestRTL433UnknownNetwork(t *testing.T) {
	init := "B5E3"
	m := &frames.Message{Protocol: gridstream.Name, CRCOK: true,
		Fields: &gridstream.Fields{Version: 4, Type: "D5", CI: "21", CRCInit: &init, Src: "40DA952B", Dst: "F0000001"}}
	fields, ok := gridstream.Protocol{}.RTL433(m)
	if got := fmt.Sprint(fields); !ok || got != "[{model LandisGyr-GS} {networkID b5e3} {subtype 213} {protoversion 4} {ci 33} {mic CRC} {id 40da952b} {destaddress f0000001}]" {
		t.Errorf("%v %s", ok, got)
	}
}
