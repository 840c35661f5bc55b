package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/cliflags"

	"github.com/gridstream-sdr/gridstream/mqttsink"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
	"github.com/gridstream-sdr/gridstream/sink"
)

const catMQTT = "MQTT and Home Assistant"

// mqttFlags are the MQTT/Home Assistant and JSON-dialect output flags, part
// of outputFlags.
func mqttFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"output-format", "F"}, Category: catOutput, Value: sink.FormatJSON,
			Usage: "stdout JSON lines: json (the full gridstream message), or rtl433 (rtl_433's model and field names, for existing rtl_433 pipelines)"},
		&cli.StringFlag{Name: "mqtt", Category: catMQTT, EnvVars: []string{"GRIDSTREAM_MQTT"},
			Usage: "publish device states and Home Assistant discovery to this broker: mqtt://host[:1883] or mqtts://host[:8883] (user:password@ allowed)"},
		&cli.StringFlag{Name: "mqtt-format", Category: catMQTT, Value: mqttsink.FormatGridstream,
			Usage: "topic layout: gridstream (a retained state per device, Home Assistant discovery) or rtl433 (rtl_433's -F mqtt: rtl_433/<host>/events and per-field devices/... topics, for its Home Assistant bridge and Node-RED flows; QoS 0 unless --mqtt-qos)"},
		&cli.StringFlag{Name: "mqtt-user", Category: catMQTT, EnvVars: []string{"GRIDSTREAM_MQTT_USER"},
			Usage: "broker user name"},
		&cli.StringFlag{Name: "mqtt-password", Category: catMQTT, EnvVars: []string{"GRIDSTREAM_MQTT_PASSWORD"},
			Usage: "broker password (the environment variable keeps it out of the process list)"},
		&cli.StringFlag{Name: "mqtt-client-id", Category: catMQTT,
			Usage: "MQTT client id (default gridstream-<host>-<pid>)"},
		&cli.StringFlag{Name: "mqtt-prefix", Category: catMQTT, Value: mqttsink.DefaultPrefix,
			Usage: "topic prefix: states at <prefix>/<protocol>/<id>/state, availability at <prefix>/status (--mqtt-format rtl433: the base topic, default rtl_433/<host>)"},
		cliflags.Ranged(&cli.IntFlag{Name: "mqtt-qos", Category: catMQTT, Value: 1,
			Usage: "MQTT QoS of every publish: 0, 1 or 2"}, cliflags.Range{Min: 0, Max: 2, Stated: true}),
		&cli.StringFlag{Name: "mqtt-discovery-prefix", Category: catMQTT, Value: mqttsink.DefaultDiscoveryPrefix,
			Usage: "Home Assistant MQTT discovery prefix"},
		&cli.StringSliceFlag{Name: "meter", Category: catMQTT,
			Usage: "announce this GridStream meter (LAN id, 8 hex digits) to Home Assistant (repeatable); an NGE101 \"channel-id\" here limits NGE101 announcements to the ones named"},
		&cli.StringSliceFlag{Name: "mqtt-expire-after", Category: catMQTT,
			Usage: "Home Assistant shows a device's sensors unavailable this long after its last message: a duration for every protocol, or PROTOCOL=DURATION (repeatable; 0: never) [default " + expireDefaults() + "]"},
		&cli.BoolFlag{Name: "discover-all", Category: catMQTT,
			Usage: "announce every device heard to Home Assistant, not just --meter ones (a neighbourhood can hold hundreds of meters)"},
		&cli.BoolFlag{Name: "no-discovery", Category: catMQTT,
			Usage: "publish states and availability only, no Home Assistant discovery configs"},
		&cli.StringFlag{Name: "mqtt-ca", Category: catMQTT,
			Usage: "PEM file of CA certificates to trust for mqtts://"},
		&cli.BoolFlag{Name: "mqtt-insecure", Category: catMQTT,
			Usage: "do not verify the broker's TLS certificate (self-signed test brokers only)"},
	}
}

// expireDefaults says each protocol's expire_after, for --help.
func expireDefaults() string {
	var parts []string
	for _, p := range protocols.All() {
		if ha, ok := p.(protocol.HomeAssistant); ok {
			parts = append(parts, p.Name()+"="+cliflags.ShortDuration(ha.ExpireAfter().Seconds()))
		}
	}
	return strings.Join(parts, ",")
}
