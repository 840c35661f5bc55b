package mqttsink

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// probeTimeout bounds each transport probe.
const probeTimeout = 3 * time.Second

// mqttConnect is an MQTT 3.1.1 CONNECT with an empty client id and a clean
// session: any MQTT broker answers it with a CONNACK (accepting or not).
var mqttConnect = []byte{0x10, 0x0C, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x00}

// transportMismatch finds out why a connection failed when the broker
// speaks the other transport: TLS where the URL says plain MQTT, or plain
// MQTT where it says TLS. It returns an error saying what to use, or nil
// when that is not the problem (then the broker may just be away).
func transportMismatch(b broker) error {
	if b.ws {
		return nil
	}
	if b.tls {
		if speaksPlainMQTT(b.addr) {
			return fmt.Errorf("mqtt: TLS handshake with %s failed: the broker speaks plain MQTT there; use mqtt://%s (or the broker's TLS port)",
				b.addr, b.addr)
		}
		return nil
	}
	if speaksTLS(b.addr, b.host) {
		return fmt.Errorf("mqtt: the broker at %s speaks TLS; use mqtts://%s", b.addr, b.addr)
	}
	return nil
}

// speaksPlainMQTT reports whether addr answers an MQTT CONNECT with a CONNACK.
func speaksPlainMQTT(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, probeTimeout)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(probeTimeout))
	if _, err := c.Write(mqttConnect); err != nil {
		return false
	}
	var ack [4]byte
	if _, err := io.ReadFull(c, ack[:]); err != nil {
		return false
	}
	c.Write([]byte{0xE0, 0x00}) // DISCONNECT
	return ack[0] == 0x20 && ack[1] == 0x02
}

// speaksTLS reports whether addr completes a TLS handshake (certificate not
// checked: only the protocol matters here), or answers one with a TLS alert.
func speaksTLS(addr, host string) bool {
	d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: probeTimeout},
		Config: &tls.Config{ServerName: host, InsecureSkipVerify: true}} //nolint:gosec // a protocol probe, nothing is sent
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	c, err := d.DialContext(ctx, "tcp", addr)
	if err == nil {
		c.Close()
		return true
	}
	var alert tls.AlertError
	return errors.As(err, &alert) || strings.Contains(err.Error(), "remote error: tls:")
}
