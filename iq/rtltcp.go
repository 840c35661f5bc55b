package iq

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"time"
)

// rtl_tcp commands: one command byte and a 32-bit big-endian parameter.
const (
	CmdSetFrequency      = 0x01 // centre frequency in Hz
	CmdSetSampleRate     = 0x02 // sample rate in samples/s
	CmdSetGainMode       = 0x03 // 0 automatic (tuner AGC), 1 manual
	CmdSetGain           = 0x04 // tuner gain in tenths of a dB
	CmdSetFreqCorrection = 0x05 // frequency correction in ppm (signed)
	CmdSetIFGain         = 0x06 // IF stage << 16 | gain in tenths of a dB
	CmdSetTestMode       = 0x07 // RTL2832 test mode (counter instead of samples)
	CmdSetAGCMode        = 0x08 // RTL2832 digital AGC, 0 off, 1 on
	CmdSetDirectSampling = 0x09 // 0 off, 1 I branch, 2 Q branch
	CmdSetOffsetTuning   = 0x0a // 0 off, 1 on
	CmdSetRTLXtal        = 0x0b // RTL2832 crystal frequency in Hz
	CmdSetTunerXtal      = 0x0c // tuner crystal frequency in Hz
	CmdSetGainByIndex    = 0x0d // tuner gain by index into its gain table
	CmdSetBiasTee        = 0x0e // 0 off, 1 on
)

// RTLTCPMagic starts the 12-byte header an rtl_tcp server sends first.
const RTLTCPMagic = "RTL0"

// RTLTCPHeaderSize is the size of the rtl_tcp dongle info header: the magic,
// the tuner type and the tuner's gain count, both 32-bit big-endian.
const RTLTCPHeaderSize = 12

// TunerNames names the rtl_tcp tuner types.
var TunerNames = map[uint32]string{
	0: "unknown", 1: "E4000", 2: "FC0012", 3: "FC0013", 4: "FC2580", 5: "R820T", 6: "R828D",
}

// ErrServerClosed ends a stream whose rtl_tcp server closed the connection.
var ErrServerClosed = errors.New("rtl_tcp server closed the connection")

// ErrNoSamples ends a stream whose rtl_tcp server sent nothing for longer
// than the timeout.
var ErrNoSamples = errors.New("no samples")

// RTLTCP is a connection to an rtl_tcp server: the header has been read,
// Command sends control packets, Read returns the raw cu8 byte stream.
type RTLTCP struct {
	conn      net.Conn
	addr      string
	timeout   time.Duration
	TunerType uint32 // tuner type from the header (see TunerNames)
	GainCount uint32 // number of gain steps the tuner has
}

// DialRTLTCP connects to an rtl_tcp server at addr ("host:port") and reads
// its dongle info header. timeout bounds the connect, the header, and every
// later Read (0 means 10 s).
func DialRTLTCP(addr string, timeout time.Duration) (*RTLTCP, error) {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	conn, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, fmt.Errorf("rtl_tcp %s: %v", addr, err)
	}
	c := &RTLTCP{conn: conn, addr: addr, timeout: timeout}
	var hdr [RTLTCPHeaderSize]byte
	_ = conn.SetReadDeadline(time.Now().Add(timeout))
	if n, err := io.ReadFull(conn, hdr[:]); err != nil {
		conn.Close()
		switch {
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return nil, fmt.Errorf("rtl_tcp %s: server closed the connection before sending its %d-byte header (got %d)", addr, RTLTCPHeaderSize, n)
		case errors.Is(err, os.ErrDeadlineExceeded):
			return nil, fmt.Errorf("rtl_tcp %s: no header within %v: is this an rtl_tcp server?", addr, timeout)
		}
		return nil, fmt.Errorf("rtl_tcp %s: reading header: %v", addr, err)
	}
	if string(hdr[:4]) != RTLTCPMagic {
		conn.Close()
		return nil, fmt.Errorf("rtl_tcp %s: not an rtl_tcp server (header starts %q, want %q)", addr, hdr[:4], RTLTCPMagic)
	}
	c.TunerType = binary.BigEndian.Uint32(hdr[4:])
	c.GainCount = binary.BigEndian.Uint32(hdr[8:])
	return c, nil
}

// Addr returns the server address.
func (c *RTLTCP) Addr() string { return c.addr }

// TunerName returns the tuner's name from the header.
func (c *RTLTCP) TunerName() string {
	if n, ok := TunerNames[c.TunerType]; ok {
		return n
	}
	return fmt.Sprintf("tuner %d", c.TunerType)
}

// Command sends one 5-byte command packet.
func (c *RTLTCP) Command(cmd byte, param uint32) error {
	var p [5]byte
	p[0] = cmd
	binary.BigEndian.PutUint32(p[1:], param)
	_ = c.conn.SetWriteDeadline(time.Now().Add(c.timeout))
	if _, err := c.conn.Write(p[:]); err != nil {
		return fmt.Errorf("rtl_tcp %s: sending command 0x%02x: %v", c.addr, cmd, err)
	}
	return nil
}

// SetFrequency tunes the centre frequency (Hz).
func (c *RTLTCP) SetFrequency(hz float64) error {
	if !(hz > 0 && hz <= math.MaxUint32) {
		return fmt.Errorf("rtl_tcp: centre frequency %.0f Hz out of range", hz)
	}
	return c.Command(CmdSetFrequency, uint32(math.Round(hz)))
}

// SetSampleRate sets the sample rate (samples/s).
func (c *RTLTCP) SetSampleRate(rate float64) error {
	if !(rate > 0 && rate <= math.MaxUint32) {
		return fmt.Errorf("rtl_tcp: sample rate %.0f out of range", rate)
	}
	return c.Command(CmdSetSampleRate, uint32(math.Round(rate)))
}

// SetGain sets the tuner gain in dB; 0 or less selects automatic gain. It
// sends the gain mode, and for manual gain the gain in tenths of a dB.
func (c *RTLTCP) SetGain(db float64) error {
	if !(db > 0) {
		return c.Command(CmdSetGainMode, 0)
	}
	if err := c.Command(CmdSetGainMode, 1); err != nil {
		return err
	}
	return c.Command(CmdSetGain, uint32(math.Round(math.Min(db, 1000)*10)))
}

// SetAGC turns the RTL2832's digital AGC on or off.
func (c *RTLTCP) SetAGC(on bool) error {
	var p uint32
	if on {
		p = 1
	}
	return c.Command(CmdSetAGCMode, p)
}

// SetFreqCorrection sets the frequency correction in ppm.
func (c *RTLTCP) SetFreqCorrection(ppm int) error {
	return c.Command(CmdSetFreqCorrection, uint32(int32(ppm)))
}

// Read reads raw cu8 bytes. A Read that waits longer than the timeout fails
// with a "no samples" error; a connection the server closed returns an error
// wrapping ErrServerClosed.
func (c *RTLTCP) Read(p []byte) (int, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(c.timeout))
	n, err := c.conn.Read(p)
	if err != nil {
		switch {
		case errors.Is(err, io.EOF):
			err = io.EOF // the Source turns this into ErrServerClosed
		case errors.Is(err, os.ErrDeadlineExceeded):
			err = fmt.Errorf("rtl_tcp %s: %w for %v", c.addr, ErrNoSamples, c.timeout)
		case errors.Is(err, net.ErrClosed):
			err = fmt.Errorf("rtl_tcp %s: connection closed", c.addr)
		default:
			err = fmt.Errorf("rtl_tcp %s: %w", c.addr, err)
		}
	}
	return n, err
}

// Close closes the connection; a Read blocked in another goroutine returns.
func (c *RTLTCP) Close() error { return c.conn.Close() }
