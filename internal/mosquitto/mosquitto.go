// Package mosquitto starts a real Mosquitto MQTT broker for tests: on a free
// loopback port, with a generated configuration (persistence off), optionally
// with a password file or a TLS listener. It also has a small subscriber that
// records what the broker delivers, retained flags included.
//
// Tests that use it need Debian's mosquitto and mosquitto-clients packages
// (scripts/install-deps.sh installs them); without them the test fails, it is
// not skipped.
package mosquitto

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// Options configure a broker.
type Options struct {
	// Users maps user names to passwords; when set, anonymous clients are
	// refused.
	Users map[string]string
	// Port is the port to listen on; 0 picks a free one.
	Port int
	// CertFile and KeyFile make the listener a TLS one.
	CertFile, KeyFile string
}

// Broker is a running mosquitto.
type Broker struct {
	t    testing.TB
	Port int
	bin  string
	conf string
	log  *lockedBuffer
	cmd  *exec.Cmd
	tls  bool
}

// Start runs mosquitto for the test and stops it at the test's end.
func Start(t testing.TB, o Options) *Broker {
	t.Helper()
	bin, err := exec.LookPath("mosquitto")
	if err != nil {
		for _, p := range []string{"/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"} {
			if _, e := os.Stat(p); e == nil {
				bin, err = p, nil
			}
		}
	}
	if err != nil {
		t.Fatalf("mosquitto not installed (run scripts/install-deps.sh): %v", err)
	}
	dir := t.TempDir()
	port := o.Port
	if port == 0 {
		port = FreePort(t)
	}
	conf := fmt.Sprintf("listener %d 127.0.0.1\npersistence false\nlog_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\n", port)
	if u, err := user.Current(); err == nil && u.Uid == "0" {
		// As root, mosquitto would switch to the "mosquitto" user and could not
		// read the test's files.
		conf += "user root\n"
	}
	if len(o.Users) > 0 {
		pw := filepath.Join(dir, "passwd")
		for name, pass := range o.Users {
			args := []string{"-b", pw, name, pass}
			if _, err := os.Stat(pw); err != nil {
				args = append([]string{"-c"}, args...)
			}
			out, err := exec.Command("mosquitto_passwd", args...).CombinedOutput()
			if err != nil {
				t.Fatalf("mosquitto_passwd (install mosquitto): %v\n%s", err, out)
			}
		}
		conf += "allow_anonymous false\npassword_file " + pw + "\n"
	} else {
		conf += "allow_anonymous true\n"
	}
	if o.CertFile != "" {
		conf += "certfile " + o.CertFile + "\nkeyfile " + o.KeyFile + "\n"
	}
	cf := filepath.Join(dir, "mosquitto.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	b := &Broker{t: t, Port: port, bin: bin, conf: cf, log: &lockedBuffer{}, tls: o.CertFile != ""}
	b.Restart()
	t.Cleanup(b.Stop)
	return b
}

// URL is the broker's address as mqtt://127.0.0.1:PORT (mqtts:// for TLS).
func (b *Broker) URL() string {
	if b.tls {
		return "mqtts://127.0.0.1:" + strconv.Itoa(b.Port)
	}
	return "mqtt://127.0.0.1:" + strconv.Itoa(b.Port)
}

// Restart starts the broker (again) on the same port and waits until it
// accepts connections.
func (b *Broker) Restart() {
	b.t.Helper()
	if b.cmd != nil {
		b.t.Fatal("mosquitto: Restart while running")
	}
	cmd := exec.Command(b.bin, "-c", b.conf)
	cmd.Stdout, cmd.Stderr = b.log, b.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		b.t.Fatalf("start mosquitto: %v", err)
	}
	b.cmd = cmd
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(b.Port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			b.Stop()
			b.t.Fatalf("mosquitto did not start listening on port %d: %v\n%s", b.Port, err, b.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the broker (SIGKILL: an abrupt broker crash) and waits for it.
func (b *Broker) Stop() {
	if b.cmd == nil {
		return
	}
	_ = b.cmd.Process.Kill()
	_ = b.cmd.Wait()
	b.cmd = nil
}

// Log is what mosquitto printed.
func (b *Broker) Log() string { return b.log.String() }

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Message is one message a Subscriber received.
type Message struct {
	Topic    string
	Payload  []byte
	Retained bool
	QoS      byte
}

// Subscriber records every message delivered for a topic filter.
type Subscriber struct {
	client mqtt.Client
	mu     sync.Mutex
	msgs   []Message
	notify chan struct{}
}

// Subscribe connects a recording client (user may be empty) and subscribes
// to filter at QoS 1. It disconnects at the test's end.
func Subscribe(t testing.TB, url, user, pass, filter string) *Subscriber {
	t.Helper()
	s := &Subscriber{notify: make(chan struct{}, 1)}
	opts := mqtt.NewClientOptions().AddBroker(url).SetClientID("test-sub-" + strconv.FormatInt(time.Now().UnixNano(), 36)).
		SetUsername(user).SetPassword(pass).SetAutoReconnect(false).SetConnectTimeout(5 * time.Second)
	s.client = mqtt.NewClient(opts)
	if tok := s.client.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("test subscriber: connect %s: %v", url, tok.Error())
	}
	tok := s.client.Subscribe(filter, 1, func(_ mqtt.Client, m mqtt.Message) {
		s.mu.Lock()
		s.msgs = append(s.msgs, Message{Topic: m.Topic(), Payload: append([]byte(nil), m.Payload()...), Retained: m.Retained(), QoS: m.Qos()})
		s.mu.Unlock()
		select {
		case s.notify <- struct{}{}:
		default:
		}
	})
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("test subscriber: subscribe: %v", tok.Error())
	}
	t.Cleanup(func() { s.client.Disconnect(100) })
	return s
}

// Messages returns a copy of everything received so far.
func (s *Subscriber) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Latest returns the last message received on each topic.
func (s *Subscriber) Latest() map[string]Message {
	out := map[string]Message{}
	for _, m := range s.Messages() {
		out[m.Topic] = m
	}
	return out
}

// WaitFor waits until cond holds for the latest messages, or fails the test
// after timeout.
func (s *Subscriber) WaitFor(t testing.TB, timeout time.Duration, what string, cond func(map[string]Message) bool) map[string]Message {
	t.Helper()
	deadline := time.After(timeout)
	for {
		latest := s.Latest()
		if cond(latest) {
			return latest
		}
		select {
		case <-s.notify:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			var b bytes.Buffer
			for _, m := range s.Messages() {
				fmt.Fprintf(&b, "  %s retained=%v %s\n", m.Topic, m.Retained, m.Payload)
			}
			t.Fatalf("timed out after %v waiting for %s; received:\n%s", timeout, what, b.String())
		}
	}
}

// Retained connects a fresh subscriber and returns the retained messages the
// broker holds under filter: those delivered until none has come for settle
// (at most 10 s in all, for a loaded machine).
func Retained(t testing.TB, url, user, pass, filter string, settle time.Duration) map[string]Message {
	t.Helper()
	s := Subscribe(t, url, user, pass, filter)
	last, deadline := time.Now(), time.Now().Add(10*time.Second)
	for time.Since(last) < settle && time.Now().Before(deadline) {
		select {
		case <-s.notify:
			last = time.Now()
		case <-time.After(10 * time.Millisecond):
		}
	}
	out := map[string]Message{}
	for _, m := range s.Messages() {
		if m.Retained {
			out[m.Topic] = m
		}
	}
	s.client.Disconnect(50)
	return out
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
