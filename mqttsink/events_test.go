package mqttsink

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/gridstream-sdr/gridstream/internal/mosquitto"
)

// In rtl_433's layout, events wait (bounded) while the broker is away and
// go out in order once it is there; only availability is retained; the
// base topic is the prefix; there is no discovery.
func TestRTL433LayoutBrokerLate(t *testing.T) {
	const maxQ = 50
	b := mosquitto.Start(t, mosquitto.Options{})
	sub := mosquitto.Subscribe(t, b.URL(), "", "", "#")
	var away atomic.Bool // the broker cannot be reached while set
	away.Store(true)
	testOpenConn = func(u *url.URL, _ mqtt.ClientOptions) (net.Conn, error) {
		if away.Load() {
			return nil, errConnReset
		}
		return net.Dial("tcp", u.Host)
	}
	defer func() { testOpenConn = nil }()
	s := newSink(t, Config{URL: b.URL(), ConnectTimeout: time.Second, Format: FormatRTL433, Prefix: "rtl_433/test", MaxQueuedEvents: maxQ})
	for i := range maxQ + 5 {
		s.Send(ngeEnergy(epoch.Add(time.Duration(i)*time.Second), uint64(1000+i), true))
	}
	if s.Send(meterMsg("0B1C2D3E", 1, 100, epoch, nil)); s.pending() != maxQ || s.rtl.dropped != 6 {
		t.Fatalf("queue %d, dropped %d; want %d, 6", s.pending(), s.rtl.dropped, maxQ)
	}
	away.Store(false)
	dev := "rtl_433/test/devices/Norgo-NGE101/1/42/"
	sub.WaitFor(t, 15*time.Second, "the queued events", func(m map[string]Message) bool {
		n := 0
		for _, m := range sub.Messages() {
			if m.Topic == dev+"impulses" {
				n++
			}
		}
		return n == maxQ-1 && string(m["rtl_433/test/devices/LandisGyr-GS/85/0b1c2d3e/uptime"].Payload) == "100"
	})
	var impulses []string
	for _, m := range sub.Messages() {
		if m.Retained && m.Topic != "rtl_433/test/availability" {
			t.Errorf("%s retained", m.Topic)
		}
		if strings.HasPrefix(m.Topic, "homeassistant/") || strings.HasPrefix(m.Topic, "gridstream/") {
			t.Errorf("%s in rtl_433's layout", m.Topic)
		}
		if m.Topic == dev+"impulses" {
			impulses = append(impulses, string(m.Payload))
		}
	}
	slices.Sort(impulses)
	if impulses[0] != "1006" || impulses[len(impulses)-1] != fmt.Sprint(1000+maxQ+4) || len(slices.Compact(impulses)) != maxQ-1 {
		t.Errorf("energy events %v … %v: want the newest %d", impulses[0], impulses[len(impulses)-1], maxQ-1)
	}
	if got := sub.Latest()["rtl_433/test/availability"]; string(got.Payload) != "online" {
		t.Errorf("availability %q", got.Payload)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	last := mosquitto.Retained(t, b.URL(), "", "", "#", 200*time.Millisecond)
	if len(last) != 1 || string(last["rtl_433/test/availability"].Payload) != "offline" {
		t.Errorf("retained after Close: %v", last)
	}
}
