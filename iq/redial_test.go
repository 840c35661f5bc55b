package iq

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/rtltcptest"
)

// deadAddr is a loopback address nobody listens on.
func deadAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// An rtl_tcp server hangs up; Redial tries a server that is not rtl_tcp,
// then an address nobody listens on, then a working server, backing off
// between the attempts.
func TestRedial(t *testing.T) {
	sig := testSignal(20000)
	raw, _ := Encode(CU8, nil, sig)
	dropping, err := rtltcptest.Start(rtltcptest.Config{Data: raw, HangUpAfter: 10000, WaitCommands: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer dropping.Close()
	notRTL, err := rtltcptest.Start(rtltcptest.Config{Header: []byte("HTTP/1.1 400")})
	if err != nil {
		t.Fatal(err)
	}
	defer notRTL.Close()
	good, err := rtltcptest.Start(rtltcptest.Config{Data: raw, WaitCommands: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()

	opt := Options{SampleRate: 1e6, Timeout: 5 * time.Second}
	s, err := Open(dropping.URL(), opt)
	if err != nil {
		t.Fatal(err)
	}
	_, err = readAll(t, s)
	s.Close()
	if !Lost(err) {
		t.Fatalf("a server hanging up: %v, want a lost input", err)
	}

	urls := []string{notRTL.URL(), "rtl_tcp://" + deadAddr(t), good.URL()}
	var attempts []time.Time
	open := func() (*Source, error) {
		attempts = append(attempts, time.Now())
		return Open(urls[len(attempts)-1], opt)
	}
	var logs bytes.Buffer
	start := time.Now()
	const minWait, maxWait = 40 * time.Millisecond, 100 * time.Millisecond
	s, err = Redial(context.Background(), open, RedialOptions{Name: "dongle", Min: minWait, Max: maxWait,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(attempts) != 3 {
		t.Fatalf("%d attempts, want 3", len(attempts))
	}
	for i, want := range []time.Duration{minWait, 2 * minWait, maxWait} {
		prev := start
		if i > 0 {
			prev = attempts[i-1]
		}
		if d := attempts[i].Sub(prev); d < want {
			t.Errorf("attempt %d after %v, want at least %v", i+1, d, want)
		}
	}
	got, err := readAll(t, s)
	if len(got) != len(sig) || !errors.Is(err, ErrServerClosed) {
		t.Errorf("after redialing: %d samples, %v", len(got), err)
	}
	for i, want := range []string{"next_try_in=80ms", "next_try_in=100ms"} {
		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		if len(lines) != 2 || !strings.Contains(lines[i], "reconnect failed") || !strings.Contains(lines[i], "input=dongle") ||
			!strings.Contains(lines[i], want) {
			t.Fatalf("log line %d lacks %q:\n%s", i, want, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "not an rtl_tcp server") {
		t.Errorf("the log does not say why:\n%s", logs.String())
	}
}

// Redial gives up as soon as its context ends, even in a long wait.
func TestRedialCancel(t *testing.T) {
	dead := "rtl_tcp://" + deadAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	open := func() (*Source, error) {
		n++
		if n == 2 {
			cancel()
		}
		return Open(dead, Options{Timeout: time.Second})
	}
	start := time.Now()
	s, err := Redial(ctx, open, RedialOptions{Min: time.Millisecond, Max: time.Hour,
		Logger: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))})
	if s != nil || !errors.Is(err, context.Canceled) || n != 2 {
		t.Errorf("Redial = %v, %v after %d attempts", s, err, n)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("returned after %v", d)
	}
	if Lost(err) || Lost(errors.New("other")) || !Lost(ErrNoSamples) {
		t.Error("Lost")
	}
}
