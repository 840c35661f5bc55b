package iq

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// WAVInfo is what the header of a two-channel (I/Q) WAV recording says, as
// SDR#, SDR++, SDRuno, HDSDR and GNU Radio's WAV sink write them.
type WAVInfo struct {
	// Format is CU8 (8-bit PCM), CS16 (16-bit PCM) or CF32 (32-bit float).
	Format Format
	// SampleRate in samples/s.
	SampleRate float64
	// CenterFreq from an "auxi" chunk (SpectraVue/SDR# layout), 0 if none.
	CenterFreq float64
	// DataOffset is where the samples start; DataSize their length in bytes
	// (-1: to the end of the file, for RF64 or a header never finished).
	DataOffset, DataSize int64
}

// wavHeaderMax is how much of a file ParseWAV wants to see.
const wavHeaderMax = 64 << 10

// IsWAV reports whether b starts like a RIFF/RF64 WAVE file.
func IsWAV(b []byte) bool {
	return len(b) >= 12 && (string(b[:4]) == "RIFF" || string(b[:4]) == "RF64" || string(b[:4]) == "BW64") && string(b[8:12]) == "WAVE"
}

// ParseWAV reads a WAV header from the first bytes of a file (up to 64 KiB;
// the data chunk must start within them). It accepts PCM 8/16-bit and IEEE
// float 32-bit with two channels (I and Q), also as WAVE_FORMAT_EXTENSIBLE,
// and RIFF, RF64 and BW64 files.
func ParseWAV(b []byte) (WAVInfo, error) {
	info := WAVInfo{DataSize: -1}
	if !IsWAV(b) {
		return info, errors.New("wav: not a RIFF/RF64 WAVE file")
	}
	rf64 := string(b[:4]) != "RIFF"
	var ds64Data int64 = -1
	var haveFmt bool
	var channels, bits, tag uint16
	var rate uint32
	pos := 12
	for pos+8 <= len(b) {
		id := string(b[pos : pos+4])
		size := int64(binary.LittleEndian.Uint32(b[pos+4:]))
		body := pos + 8
		avail := b[body:]
		if int64(len(avail)) > size {
			avail = avail[:size]
		}
		switch id {
		case "ds64":
			if len(avail) >= 16 {
				ds64Data = int64(binary.LittleEndian.Uint64(avail[8:]))
			}
		case "fmt ":
			if len(avail) < 16 {
				return info, errors.New("wav: fmt chunk too short")
			}
			tag = binary.LittleEndian.Uint16(avail[0:])
			channels = binary.LittleEndian.Uint16(avail[2:])
			rate = binary.LittleEndian.Uint32(avail[4:])
			bits = binary.LittleEndian.Uint16(avail[14:])
			if tag == 0xFFFE {
				if len(avail) < 26 {
					return info, errors.New("wav: extensible fmt chunk too short")
				}
				tag = binary.LittleEndian.Uint16(avail[24:])
			}
			haveFmt = true
		case "auxi":
			// SpectraVue layout: start and stop SYSTEMTIME (16 bytes each),
			// then the centre frequency in Hz.
			if len(avail) >= 36 {
				if f := binary.LittleEndian.Uint32(avail[32:]); f > 0 {
					info.CenterFreq = float64(f)
				}
			}
		case "data":
			if !haveFmt {
				return info, errors.New("wav: data chunk before the fmt chunk")
			}
			switch {
			case channels != 2:
				return info, fmt.Errorf("wav: %d channel(s): an IQ recording has 2 (I and Q)", channels)
			case tag == 1 && bits == 8:
				info.Format = CU8
			case tag == 1 && bits == 16:
				info.Format = CS16
			case tag == 3 && bits == 32:
				info.Format = CF32
			default:
				return info, fmt.Errorf("wav: %d-bit %s samples are not supported (want 8 or 16-bit PCM, or 32-bit float)", bits, wavTagName(tag))
			}
			if err := CheckSampleRate(float64(rate)); err != nil {
				return info, badValue("wav: %v", err)
			}
			info.SampleRate = float64(rate)
			info.DataOffset = int64(body)
			switch {
			case rf64 && size == 0xFFFFFFFF && ds64Data >= 0:
				info.DataSize = ds64Data
			case size == 0xFFFFFFFF || size == 0:
				info.DataSize = -1 // unknown: to the end of the file
			default:
				info.DataSize = size
			}
			return info, nil
		}
		next := int64(body) + size + size&1
		if next > int64(len(b)) {
			break
		}
		pos = int(next)
	}
	if !haveFmt {
		return info, errors.New("wav: no fmt chunk in the header")
	}
	return info, errors.New("wav: no data chunk in the first 64 KiB")
}

func wavTagName(tag uint16) string {
	switch tag {
	case 1:
		return "PCM"
	case 3:
		return "float"
	}
	return fmt.Sprintf("format-%d", tag)
}

// isWAVName reports whether name ends in .wav.
func isWAVName(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".wav") }
