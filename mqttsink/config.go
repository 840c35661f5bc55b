package mqttsink

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
)

// Defaults for the zero values of Config.
const (
	DefaultPrefix          = "gridstream"
	DefaultDiscoveryPrefix = "homeassistant"
	DefaultMaxDevices      = 5000
	DefaultConnectTimeout  = 10 * time.Second
	DefaultMaxReconnect    = 30 * time.Second
)

// Config says which broker to use and what to publish there.
type Config struct {
	// URL is the broker: mqtt://host[:port] (default port 1883) or
	// mqtts://host[:port] (TLS, default port 8883); tcp://, ssl://, tls://,
	// ws:// and wss:// also work. A bare host[:port] means mqtt://. User and
	// password may be given in the URL (mqtt://user:pass@host).
	URL string
	// Username and Password log in to the broker; they override the URL's.
	Username string
	Password string
	// ClientID is the MQTT client id; empty means "gridstream-<host>-<pid>".
	ClientID string
	// Format is the topic layout: FormatGridstream ("" too) or
	// FormatRTL433.
	Format string
	// Prefix is the first level of every state and availability topic
	// (FormatRTL433: the base topic, "rtl_433/<host>" when empty).
	Prefix string
	// QoS is the MQTT quality of service of every publish (0, 1 or 2).
	QoS byte
	// DiscoveryPrefix is Home Assistant's discovery prefix.
	DiscoveryPrefix string
	// Meters lists the device ids that get Home Assistant discovery configs,
	// as users write them (each protocol reads its own: GridStream LAN ids
	// in hex, NGE101 "channel-id" pairs). A protocol whose devices are
	// announced without being listed (NGE101) stops that once one of them
	// is listed.
	Meters []string
	// Protocols are the protocols whose devices are published (those that
	// implement protocol.HomeAssistant); nil means protocols.All().
	Protocols []protocol.Protocol
	// ExpireAfter overrides how long after a device's last message Home
	// Assistant shows its sensors unavailable (their expire_after), by
	// protocol name; the key "" sets it for every protocol. Unset, each
	// protocol's own (protocol.HomeAssistant.ExpireAfter) applies; 0 turns
	// expiry off. The "Last seen" sensor never expires: it says when.
	ExpireAfter map[string]time.Duration
	// DiscoverAll announces every device heard.
	DiscoverAll bool
	// NoDiscovery publishes states and availability only.
	NoDiscovery bool
	// CAFile is a PEM file of CA certificates to trust for mqtts://.
	CAFile string
	// Insecure skips verification of the broker's TLS certificate.
	Insecure bool
	// MaxDevices bounds how many devices are tracked (memory bound; 0 means
	// DefaultMaxDevices). When the table is full, a new device evicts the
	// least recently heard one that is not in Meters; Meters devices always
	// have a place.
	MaxDevices int
	// MaxQueuedEvents bounds the rtl_433 events (FormatRTL433) kept while
	// the broker is away (0 means DefaultMaxQueuedEvents); beyond it the
	// oldest are dropped.
	MaxQueuedEvents int
	// ConnectTimeout bounds the first connection attempt.
	ConnectTimeout time.Duration
	// MaxReconnectInterval caps the back-off between reconnection attempts.
	MaxReconnectInterval time.Duration
	// Version is reported to Home Assistant as the software version.
	Version string
}

// broker is a parsed Config.URL.
type broker struct {
	server   string // URL handed to the client, without credentials
	user     string
	password string
	hasPass  bool
	tls      bool
	ws       bool // over WebSocket (ws://, wss://)
	host     string
	addr     string // host:port
}

// parseBroker checks a broker URL and fills in the default port.
func parseBroker(raw string) (broker, error) {
	var b broker
	s := strings.TrimSpace(raw)
	if s == "" {
		return b, errors.New("mqtt: no broker URL")
	}
	if !strings.Contains(s, "://") {
		s = "mqtt://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return b, fmt.Errorf("mqtt: bad broker URL %q: %w", raw, err)
	}
	scheme := strings.ToLower(u.Scheme)
	var port string
	switch scheme {
	case "mqtt", "tcp":
		port = "1883"
	case "mqtts", "ssl", "tls", "tcps", "mqtt+ssl":
		port, b.tls = "8883", true
	case "ws":
		port, b.ws = "80", true
	case "wss":
		port, b.tls, b.ws = "443", true, true
	default:
		return b, fmt.Errorf("mqtt: bad broker URL %q: scheme must be mqtt:// or mqtts://", raw)
	}
	if u.Hostname() == "" {
		return b, fmt.Errorf("mqtt: bad broker URL %q: no host", raw)
	}
	if u.User != nil {
		b.user = u.User.Username()
		b.password, b.hasPass = u.User.Password()
	}
	b.host = u.Hostname()
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), port)
	} else if _, err := strconv.ParseUint(u.Port(), 10, 16); err != nil {
		return b, fmt.Errorf("mqtt: bad broker URL %q: bad port", raw)
	}
	b.addr = host
	clean := url.URL{Scheme: scheme, Host: host, Path: u.Path}
	b.server = clean.String()
	return b, nil
}

// tlsConfig builds the TLS settings for a TLS broker URL.
func (c *Config) tlsConfig(b broker) (*tls.Config, error) {
	t := &tls.Config{ServerName: b.host, InsecureSkipVerify: c.Insecure, MinVersion: tls.VersionTLS12} //nolint:gosec // opt-in flag
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("mqtt: CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("mqtt: CA file %s: no PEM certificates", c.CAFile)
		}
		t.RootCAs = pool
	}
	return t, nil
}

// defaultClientID is "gridstream-<host>-<pid>": unique per running process,
// so two gridstream instances never knock each other off the broker.
func defaultClientID() string {
	h, _ := os.Hostname()
	h = strings.Map(func(r rune) rune {
		if r < 0x21 || r > 0x7e {
			return -1
		}
		return r
	}, h)
	if len(h) > 40 {
		h = h[:40]
	}
	return "gridstream-" + h + "-" + strconv.Itoa(os.Getpid())
}

// Bounds of an expire_after: Home Assistant takes whole seconds; beyond a
// month a sensor might as well never expire.
const (
	MinExpireAfter = 10 * time.Second
	MaxExpireAfter = 30 * 24 * time.Hour
)

// ParseExpireAfter reads expire_after settings as users write them, each
// a duration for every protocol ("30m", "900", in seconds without a unit)
// or for one ("nge101=5m"), several separated by commas; "0" turns expiry
// off. known lists the protocol names.
func ParseExpireAfter(values []string, known []string) (map[string]time.Duration, error) {
	out := map[string]time.Duration{}
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			name, val, one := strings.Cut(part, "=")
			if !one {
				name, val = "", part
			} else if name = strings.ToLower(strings.TrimSpace(name)); !slices.Contains(known, name) {
				return nil, fmt.Errorf("%q: unknown protocol %q (want %s)", part, name, strings.Join(known, ", "))
			}
			val = strings.TrimSpace(val)
			d, err := time.ParseDuration(val)
			if secs, e := strconv.ParseFloat(val, 64); e == nil {
				d, err = time.Duration(secs*float64(time.Second)), nil
			}
			if err != nil || d != 0 && (d < MinExpireAfter || d > MaxExpireAfter) {
				return nil, fmt.Errorf("%q: want 0 (never) or a duration from 10s to 720h (30 days), such as 15m or nge101=5m", part)
			}
			out[name] = d
		}
	}
	return out, nil
}

// Settings are the values of the MQTT flags by name (--mqtt, --mqtt-*,
// --meter, --discover-all, --no-discovery); a *cli.Context is one.
type Settings interface {
	protocol.Settings
	IsSet(name string) bool
}

// ConfigFrom reads the MQTT flags into a Config, without Version; ok is
// false when --mqtt names no broker (then no other MQTT flag may be
// given). A flag of one --mqtt-format given with the other is an error,
// and rtl433 takes rtl_433's defaults (QoS 0, base topic rtl_433/<host>)
// unless --mqtt-qos or --mqtt-prefix are given. The error is one line
// naming the flag.
func ConfigFrom(s Settings) (cfg Config, ok bool, err error) {
	if s.String("mqtt") == "" {
		for _, f := range []string{"meter", "discover-all", "mqtt-user", "mqtt-password", "mqtt-client-id", "mqtt-expire-after", "mqtt-format"} {
			if s.IsSet(f) {
				return cfg, false, fmt.Errorf("--%s needs --mqtt URL", f)
			}
		}
		return cfg, false, nil
	}
	qos := s.Int("mqtt-qos")
	if qos < 0 || qos > 2 {
		return cfg, false, fmt.Errorf("--mqtt-qos %d: want 0, 1 or 2", qos)
	}
	cfg = Config{URL: s.String("mqtt"), Username: s.String("mqtt-user"), Password: s.String("mqtt-password"),
		ClientID: s.String("mqtt-client-id"), Format: strings.ToLower(s.String("mqtt-format")), Prefix: s.String("mqtt-prefix"),
		QoS: byte(qos), DiscoveryPrefix: s.String("mqtt-discovery-prefix"), Meters: s.StringSlice("meter"),
		DiscoverAll: s.Bool("discover-all"), NoDiscovery: s.Bool("no-discovery"),
		CAFile: s.String("mqtt-ca"), Insecure: s.Bool("mqtt-insecure")}
	switch cfg.Format {
	case FormatGridstream:
	case FormatRTL433:
		for _, f := range []string{"meter", "discover-all", "no-discovery", "mqtt-discovery-prefix", "mqtt-expire-after"} {
			if s.IsSet(f) {
				return cfg, false, fmt.Errorf("--%s is for --mqtt-format gridstream (rtl_433's layout has no Home Assistant discovery: its bridge script does that)", f)
			}
		}
		if !s.IsSet("mqtt-qos") {
			cfg.QoS = 0 // rtl_433's default
		}
		if !s.IsSet("mqtt-prefix") {
			cfg.Prefix = "" // rtl_433/<host>
		}
	default:
		return cfg, false, fmt.Errorf("--mqtt-format %q: want %s or %s", s.String("mqtt-format"), FormatGridstream, FormatRTL433)
	}
	if cfg.ExpireAfter, err = ParseExpireAfter(s.StringSlice("mqtt-expire-after"), protocol.Names(protocols.All())); err != nil {
		return cfg, false, fmt.Errorf("--mqtt-expire-after %w", err)
	}
	return cfg, true, nil
}
