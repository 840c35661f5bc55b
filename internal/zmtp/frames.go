package zmtp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// ErrFrameTooLarge is returned for a message whose frames together exceed
// the configured limit, or that has more than MaxFrames frames.
var ErrFrameTooLarge = errors.New("zmtp: message larger than the limit")

// MaxFrames bounds the frames of one message (GNU Radio sends one or two).
const MaxFrames = 1024

// minGrow is the smallest message buffer allocated.
const minGrow = 4 << 10

// FrameReader reads ZMTP messages. All frames of a message share one
// buffer, reused from message to message and grown (by doubling) only as
// bytes actually arrive, so a connection holds at most about Max bytes
// whatever sizes a peer claims. Command frames (at most MaxCommand bytes)
// go to Command, not into messages. Reading allocates nothing once the
// buffer has grown to the largest message seen.
type FrameReader struct {
	R *bufio.Reader
	// Max is the largest message accepted (all its frames together), in
	// bytes.
	Max int
	// Command, when set, receives each command frame's name and data (valid
	// during the call); an error it returns ends ReadMsg with that error.
	// Unset, commands are read and skipped.
	Command func(name, data []byte) error

	buf    []byte // the current message's frames, back to back
	ends   []int  // where each frame ends in buf
	frames [][]byte
	cmd    []byte
}

// ReadMsg reads the next message (all its frames); commands between or
// within messages are handled apart. The returned frames are valid until
// the next call.
func (f *FrameReader) ReadMsg() ([][]byte, error) {
	f.buf, f.ends = f.buf[:0], f.ends[:0]
	for {
		flags, err := f.R.ReadByte()
		if err != nil {
			return nil, f.cut(err)
		}
		size, err := readSize(f.R, flags)
		if err != nil {
			return nil, f.cut(eofUnexpected(err))
		}
		if flags&flagCommand != 0 {
			if err := f.command(flags, size); err != nil {
				return nil, err
			}
			continue
		}
		total := uint64(len(f.buf))
		if size > uint64(f.Max)-total || len(f.ends) >= MaxFrames {
			return nil, fmt.Errorf("%w (a %d-byte frame after %d bytes in %d frames; limit %d bytes, %d frames)",
				ErrFrameTooLarge, size, total, len(f.ends), f.Max, MaxFrames)
		}
		if err := f.fill(len(f.buf) + int(size)); err != nil {
			return nil, err
		}
		f.ends = append(f.ends, len(f.buf))
		if flags&flagMore == 0 {
			break
		}
	}
	f.frames = f.frames[:0]
	start := 0
	for _, end := range f.ends {
		f.frames = append(f.frames, f.buf[start:end:end])
		start = end
	}
	return f.frames, nil
}

// cut turns an EOF inside a message into io.ErrUnexpectedEOF.
func (f *FrameReader) cut(err error) error {
	if len(f.ends) > 0 {
		return eofUnexpected(err)
	}
	return err
}

// fill reads into f.buf until it is end bytes long (end ≤ f.Max), growing
// it only as the bytes arrive.
func (f *FrameReader) fill(end int) error {
	for len(f.buf) < end {
		if len(f.buf) == cap(f.buf) {
			nb := make([]byte, len(f.buf), min(max(2*cap(f.buf), minGrow), f.Max))
			copy(nb, f.buf)
			f.buf = nb
		}
		n, err := f.R.Read(f.buf[len(f.buf):min(cap(f.buf), end)])
		f.buf = f.buf[:len(f.buf)+n]
		if err != nil && len(f.buf) < end {
			return eofUnexpected(err)
		}
	}
	return nil
}

// command reads a command frame of size bytes (a protocol error beyond
// MaxCommand, or with the more flag) and hands it to f.Command.
func (f *FrameReader) command(flags byte, size uint64) error {
	if flags&flagMore != 0 {
		return protocolErr("a command frame with the more flag")
	}
	if size > MaxCommand {
		return protocolErr("a command frame of %d bytes (limit %d)", size, MaxCommand)
	}
	if uint64(cap(f.cmd)) < size {
		f.cmd = make([]byte, size)
	}
	body := f.cmd[:size]
	if _, err := io.ReadFull(f.R, body); err != nil {
		return eofUnexpected(err)
	}
	name, data, err := splitCommand(body)
	if err != nil {
		return err
	}
	if f.Command != nil {
		return f.Command(name, data)
	}
	return nil
}
