// Package mqttsink publishes decoded gridstream messages to an MQTT broker for
// Home Assistant and any other MQTT consumer.
//
// Every device of a protocol that publishes to Home Assistant
// (protocol.HomeAssistant: a GridStream meter, an NGE101 transmitter) gets
// one retained state JSON at <prefix>/<protocol>/<id>/state holding the
// device's merged latest readings, as its protocol keeps them, and the sink keeps <prefix>/status at "online" while it is
// connected ("offline" after Close, and as the broker-held last will when the
// process dies). Devices chosen for Home Assistant get retained MQTT
// discovery configs under <discovery prefix>/sensor/… and
// <discovery prefix>/binary_sensor/….
//
// Send never blocks: it merges the message into the device's state and marks
// the device dirty; a single worker publishes dirty devices while the broker
// is connected. While the broker is away, messages coalesce into the latest
// state per device, so memory is bounded by the number of devices (itself
// bounded by Config.MaxDevices: when the table is full, the least recently
// heard device other than a Config.Meters one makes room, in O(1); see
// package devices). On every (re)connection the sink republishes
// availability, all discovery configs and every device's latest state.
package mqttsink

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/eclipse/paho.mqtt.golang/packets"

	"github.com/gridstream-sdr/gridstream/devices"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
	"github.com/gridstream-sdr/gridstream/rtl433"
)

// Availability payloads.
const (
	online  = "online"
	offline = "offline"
)

// testOpenConn, when set by a test, opens the client's connections (so the
// test can cut one abruptly).
var testOpenConn mqtt.OpenConnectionFunc

// ErrClosed is returned by Send after Close.
var ErrClosed = errors.New("mqtt: sink closed")

// Sink publishes messages to an MQTT broker. It is safe for concurrent use.
type Sink struct {
	client          mqtt.Client
	log             *slog.Logger
	server          string
	broker          broker
	prefix          string
	discoveryPrefix string
	availTopic      string
	qos             byte
	version         string
	maxDevices      int
	noDiscovery     bool
	discoverAll     bool
	protocols       map[string]protocol.HomeAssistant
	expire          map[string]time.Duration // expire_after by protocol
	meters          map[string]bool          // devices.Key of every --meter device
	listed          map[string]bool          // protocols with a --meter device
	rtl             *eventQueue              // FormatRTL433: the events to publish; nil otherwise

	mu       sync.Mutex
	devices  *devices.Table[*device]
	queue    []*device
	resync   bool // republish availability, discovery and every state
	closed   bool
	connects int   // successful connections so far
	evicted  int64 // devices evicted from a full table

	reconnecting atomic.Bool
	maxReconnect time.Duration

	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	pubMu   sync.Mutex // one publishing round at a time
	closeMu sync.Once
}

// New connects to the broker and starts publishing. It fails when the
// configuration is invalid or the broker refuses the login; when the broker
// cannot be reached, New logs a warning and keeps trying in the background,
// so decoding can start at once.
func New(cfg Config, log *slog.Logger) (*Sink, error) {
	if log == nil {
		log = slog.Default()
	}
	b, err := parseBroker(cfg.URL)
	if err != nil {
		return nil, err
	}
	if err := checkTopic("topic prefix", cfg.Prefix); err != nil {
		return nil, err
	}
	if err := checkTopic("discovery prefix", cfg.DiscoveryPrefix); err != nil {
		return nil, err
	}
	if cfg.QoS > 2 {
		return nil, fmt.Errorf("mqtt: QoS must be 0, 1 or 2, not %d", cfg.QoS)
	}
	switch cfg.Format {
	case "", FormatGridstream, FormatRTL433:
	default:
		return nil, fmt.Errorf("mqtt: format %q: want %s or %s", cfg.Format, FormatGridstream, FormatRTL433)
	}
	s := &Sink{
		log:             log,
		server:          b.server,
		broker:          b,
		prefix:          trimTopic(cfg.Prefix, DefaultPrefix),
		discoveryPrefix: trimTopic(cfg.DiscoveryPrefix, DefaultDiscoveryPrefix),
		qos:             cfg.QoS,
		version:         cfg.Version,
		maxDevices:      cfg.MaxDevices,
		noDiscovery:     cfg.NoDiscovery,
		discoverAll:     cfg.DiscoverAll,
		protocols:       map[string]protocol.HomeAssistant{},
		expire:          map[string]time.Duration{},
		meters:          map[string]bool{},
		listed:          map[string]bool{},
		wake:            make(chan struct{}, 1),
		stop:            make(chan struct{}),
		done:            make(chan struct{}),
	}
	if s.maxDevices <= 0 {
		s.maxDevices = DefaultMaxDevices
	}
	list := cfg.Protocols
	if list == nil {
		list = protocols.All()
	}
	for _, p := range list {
		if ha, ok := p.(protocol.HomeAssistant); ok {
			s.protocols[p.Name()] = ha
			s.expire[p.Name()] = ha.ExpireAfter()
			if d, ok := cfg.ExpireAfter[""]; ok {
				s.expire[p.Name()] = d
			}
			if d, ok := cfg.ExpireAfter[p.Name()]; ok {
				s.expire[p.Name()] = d
			}
		}
	}
	for _, id := range cfg.Meters {
		for name, ha := range s.protocols {
			if dev, ok := ha.ParseDeviceID(id); ok {
				s.meters[devices.Key(name, dev)] = true
				s.listed[name] = true
			}
		}
	}
	s.devices = devices.New[*device](s.maxDevices)
	s.devices.OnEvict = func(_ string, d *device) {
		s.dequeue(d)
		s.evicted++
	}
	s.devices.OnFull = func() {
		s.log.Warn("mqtt: device limit reached; the least recently heard devices make room for new ones (--meter devices are always kept)",
			"max_devices", s.maxDevices)
	}
	s.availTopic = s.prefix + "/status"
	if cfg.Format == FormatRTL433 {
		s.prefix = trimTopic(cfg.Prefix, rtl433.DefaultBase())
		s.availTopic = s.prefix + "/" + rtl433.AvailabilityTopic
		s.noDiscovery = true
		s.rtl = &eventQueue{enc: rtl433.New(list), base: s.prefix, max: cfg.MaxQueuedEvents}
		if s.rtl.max <= 0 {
			s.rtl.max = DefaultMaxQueuedEvents
		}
	}
	s.maxReconnect = cfg.MaxReconnectInterval
	if s.maxReconnect <= 0 {
		s.maxReconnect = DefaultMaxReconnect
	}

	user, pass := b.user, b.password
	if cfg.Username != "" {
		user = cfg.Username
	}
	if cfg.Password != "" {
		pass = cfg.Password
	}
	clientID := cfg.ClientID
	if clientID == "" {
		clientID = defaultClientID()
	}
	connectTimeout := cfg.ConnectTimeout
	if connectTimeout <= 0 {
		connectTimeout = DefaultConnectTimeout
	}

	opts := mqtt.NewClientOptions().
		AddBroker(b.server).
		SetClientID(clientID).
		SetUsername(user).
		SetPassword(pass).
		SetCleanSession(true).
		SetProtocolVersion(4).
		// The sink reconnects by itself (reconnect): the client's own
		// auto-reconnect would resend stale in-flight states after the fresh
		// ones and keep their message ids claimed.
		SetAutoReconnect(false).
		SetConnectRetry(false).
		SetConnectTimeout(connectTimeout).
		SetKeepAlive(30*time.Second).
		SetWriteTimeout(publishTimeout).
		SetOrderMatters(false).
		SetBinaryWill(s.availTopic, []byte(offline), s.qos, true).
		SetOnConnectHandler(s.onConnect).
		SetConnectionLostHandler(func(_ mqtt.Client, err error) {
			s.log.Warn("mqtt: connection lost; decoding goes on and the latest states are sent on reconnect",
				"broker", s.server, "err", err)
			go s.reconnect(reconnectFirst)
		})
	if b.tls {
		t, err := cfg.tlsConfig(b)
		if err != nil {
			return nil, err
		}
		opts.SetTLSConfig(t)
	}
	if testOpenConn != nil {
		opts.SetCustomOpenConnectionFn(testOpenConn)
	}
	s.client = mqtt.NewClient(opts)

	tok := s.client.Connect()
	if !tok.WaitTimeout(min(connectTimeout, firstConnectWait)) {
		// A host that drops packets: do not hold decoding up any longer.
		s.log.Warn("mqtt: the broker has not answered yet; decoding starts and the connection goes on in the background",
			"broker", s.server)
		go func() {
			tok.Wait()
			if err := tok.Error(); err != nil {
				if refusal := loginError(err, s.server, user); refusal != nil {
					s.log.Error(refusal.Error())
				} else if wrong := transportMismatch(b); wrong != nil {
					s.log.Error(wrong.Error())
				}
				s.reconnect(time.Second)
			}
		}()
	} else if err := tok.Error(); err != nil {
		if refusal := loginError(err, s.server, user); refusal != nil {
			return nil, refusal
		}
		if wrong := transportMismatch(b); wrong != nil {
			return nil, wrong
		}
		s.log.Warn("mqtt: cannot reach the broker yet; decoding goes on and gridstream keeps trying",
			"broker", s.server, "err", err)
		go s.reconnect(time.Second)
	} else {
		s.log.Info("mqtt: connected", "broker", s.server, "client_id", clientID)
	}
	go s.run()
	return s, nil
}

// firstConnectWait bounds how long New waits for the broker's answer before
// letting decoding start (refusals that arrive later are logged).
var firstConnectWait = 3 * time.Second

// checkTopic rejects a topic prefix that MQTT does not allow in a topic name.
func checkTopic(flag, p string) error {
	if strings.ContainsAny(p, "+#\x00") {
		return fmt.Errorf("mqtt: %s %q: + # and NUL are not allowed in topic names", flag, p)
	}
	return nil
}

// trimTopic strips slashes around a topic prefix; empty means def.
func trimTopic(p, def string) string {
	for len(p) > 0 && p[0] == '/' {
		p = p[1:]
	}
	for len(p) > 0 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	if p == "" {
		return def
	}
	return p
}

// loginError turns a refused connection into a clear error; nil for any
// other error (network trouble is retried).
func loginError(err error, server, user string) error {
	switch {
	case errors.Is(err, packets.ErrorRefusedBadUsernameOrPassword), errors.Is(err, packets.ErrorRefusedNotAuthorised):
		if user == "" {
			return fmt.Errorf("mqtt: broker %s refused the connection (%v): it needs a user name and password (--mqtt-user, --mqtt-password)", server, err)
		}
		return fmt.Errorf("mqtt: broker %s refused the login of user %q (%v): check --mqtt-user and --mqtt-password", server, user, err)
	case errors.Is(err, packets.ErrorRefusedIDRejected):
		return fmt.Errorf("mqtt: broker %s rejected the client id (%v): choose another with --mqtt-client-id", server, err)
	case errors.Is(err, packets.ErrorRefusedBadProtocolVersion):
		return fmt.Errorf("mqtt: broker %s does not speak MQTT 3.1.1 (%v)", server, err)
	}
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	if errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &he) {
		return fmt.Errorf("mqtt: broker %s: TLS certificate not trusted (%v): pass its CA with --mqtt-ca, or --mqtt-insecure for a test broker", server, err)
	}
	return nil
}

// reconnectFirst is the wait before the first reconnection attempt.
const reconnectFirst = 500 * time.Millisecond

// reconnect makes connection attempts, first after wait and then with
// exponential back-off up to the configured maximum, until one succeeds or
// the sink closes. Only one loop runs at a time.
func (s *Sink) reconnect(wait time.Duration) {
	if !s.reconnecting.CompareAndSwap(false, true) {
		return
	}
	defer s.reconnecting.Store(false)
	warned, probed := false, false
	for {
		select {
		case <-s.stop:
			return
		case <-time.After(wait):
		}
		tok := s.client.Connect()
		tok.Wait()
		err := tok.Error()
		if err == nil {
			select {
			case <-s.stop: // closed meanwhile
				s.client.Disconnect(0)
			default:
			}
			return
		}
		if le := loginError(err, s.server, ""); le != nil && !warned {
			s.log.Error(le.Error())
			warned = true
		} else if wrong := s.probeOnce(&probed); wrong != nil && !warned {
			s.log.Error(wrong.Error())
			warned = true
		} else {
			s.log.Debug("mqtt: connection attempt failed", "broker", s.server, "err", err, "retry_in", min(wait*2, s.maxReconnect))
		}
		wait = min(wait*2, s.maxReconnect)
	}
}

// probeOnce is transportMismatch for the sink's broker, the first time it
// is called for a *probed that is false.
func (s *Sink) probeOnce(probed *bool) error {
	if *probed {
		return nil
	}
	*probed = true
	return transportMismatch(s.broker)
}

// onConnect runs on every connection, first or re-established.
func (s *Sink) onConnect(c mqtt.Client) {
	s.mu.Lock()
	s.resync = true
	s.connects++
	again := s.connects > 1
	s.mu.Unlock()
	if again {
		s.log.Info("mqtt: reconnected; announcing devices and publishing the latest states", "broker", s.server)
	}
	if !s.noDiscovery {
		// Home Assistant announces its own restarts here; answer with configs
		// and states again, as its MQTT discovery documentation recommends.
		c.Subscribe(s.discoveryPrefix+"/status", 0, func(_ mqtt.Client, m mqtt.Message) {
			if string(m.Payload()) == online {
				s.mu.Lock()
				s.resync = true
				s.mu.Unlock()
				s.poke()
			}
		})
	}
	s.poke()
}

// poke wakes the worker without blocking.
func (s *Sink) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
