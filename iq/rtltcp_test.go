package iq

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/rtltcptest"
)

func TestRTLTCP(t *testing.T) {
	sig := testSignal(50000)
	raw, _ := Encode(CU8, nil, sig)
	srv, err := rtltcptest.Start(rtltcptest.Config{Data: raw, WaitCommands: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	s, err := Open(srv.URL(), Options{SampleRate: 1.024e6, CenterFreq: 915e6, Gain: 40.2, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if s.Info.Kind != "rtl_tcp" || s.Info.Format != CU8 || s.Info.SampleRate != 1.024e6 || s.Info.CenterFreq != 915e6 || s.Info.Tuner != "R820T" {
		t.Errorf("info %+v", s.Info)
	}
	got, err := readAll(t, s)
	s.Close()
	if !errors.Is(err, ErrServerClosed) || len(got) != len(sig) {
		t.Fatalf("read %d samples, %v; want %d and ErrServerClosed", len(got), err, len(sig))
	}
	if !strings.Contains(err.Error(), "after 50000 samples") {
		t.Errorf("error %q does not count the samples", err)
	}
	want := make([]complex64, len(sig))
	Decode(CU8, want, raw)
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("sample %d = %v, want %v", i, got[i], want[i])
		}
	}
	cmds := srv.Commands()
	wantCmds := []rtltcptest.Command{
		cmd(CmdSetSampleRate, 1024000), cmd(CmdSetFrequency, 915000000), cmd(CmdSetGainMode, 1), cmd(CmdSetGain, 402), cmd(CmdSetAGCMode, 0),
	}
	if len(cmds) != len(wantCmds) {
		t.Fatalf("commands %v, want %v", cmds, wantCmds)
	}
	for i := range cmds {
		if cmds[i] != wantCmds[i] {
			t.Errorf("command %d = %+v, want %+v", i, cmds[i], wantCmds[i])
		}
	}
}

func TestRTLTCPAutoGain(t *testing.T) {
	srv, err := rtltcptest.Start(rtltcptest.Config{Data: make([]byte, 1000), WaitCommands: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	s, err := Open(srv.URL(), Options{AGC: true, PPM: -3})
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, s)
	s.Close()
	srv.Close()
	want := []rtltcptest.Command{cmd(CmdSetSampleRate, DefaultRTLTCPRate), cmd(CmdSetFreqCorrection, uint32(0xfffffffd)), cmd(CmdSetGainMode, 0), cmd(CmdSetAGCMode, 1)}
	got := srv.Commands()
	if len(got) != len(want) {
		t.Fatalf("commands %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("command %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestRTLTCPBadServers(t *testing.T) {
	raw := make([]byte, 100001)
	for _, tc := range []struct {
		name    string
		cfg     rtltcptest.Config
		openErr string
		readErr string
	}{
		{"hangup mid-sample", rtltcptest.Config{Data: raw, HangUpAfter: 70001, WaitCommands: 3}, "", "closed the connection after 35000 samples"},
		{"hangup after header", rtltcptest.Config{HangUpAfter: 1, WaitCommands: 3}, "", "closed the connection after 0 samples"},
		{"bad magic", rtltcptest.Config{Header: []byte("HTTP/1.1 400")}, "not an rtl_tcp server", ""},
		{"short header", rtltcptest.Config{Header: []byte("RTL0")}, "before sending its 12-byte header", ""},
		{"stalls", rtltcptest.Config{Hold: true}, "", "no samples for"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := rtltcptest.Start(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			s, err := Open(srv.URL(), Options{Timeout: 300 * time.Millisecond})
			if tc.openErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.openErr) {
					t.Fatalf("Open = %v, want %q", err, tc.openErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			_, err = readAll(t, s)
			if err == nil || err == io.EOF || !strings.Contains(err.Error(), tc.readErr) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("read error %v, want %q", err, tc.readErr)
			}
		})
	}
	// Nobody listening.
	srv, _ := rtltcptest.Start(rtltcptest.Config{})
	addr := srv.URL()
	srv.Close()
	if _, err := Open(addr, Options{Timeout: time.Second}); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("Open(closed port) = %v", err)
	}
	if _, err := Open("rtl_tcp://x/y", Options{}); err == nil {
		t.Error("bad URL accepted")
	}
	if _, err := Open("rtl_tcp://127.0.0.1:1", Options{Format: CS16}); err == nil || !strings.Contains(err.Error(), "cu8") {
		t.Errorf("cs16 over rtl_tcp: %v", err)
	}
}

func cmd(c byte, p uint32) rtltcptest.Command { return rtltcptest.Command{Cmd: c, Param: p} }

// BenchmarkRTLTCP streams 16 MiB of cu8 from the test server over loopback.
func BenchmarkRTLTCP(b *testing.B) {
	raw := make([]byte, 16<<20)
	srv, err := rtltcptest.Start(rtltcptest.Config{Data: raw, Chunk: 256 << 10})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	dst := make([]complex64, 1<<16)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		s, err := Open(srv.URL(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := s.Read(dst); err != nil {
				break
			}
		}
		s.Close()
	}
	b.ReportMetric(float64(len(raw)/2)*float64(b.N)/b.Elapsed().Seconds()/1e6, "MS/s")
}
