package main_test

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/testbin"
	"github.com/gridstream-sdr/gridstream/internal/zmtp"
	gs "github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// A NaN soft symbol means the same in every input path: replay of a
// float32 file and decode of a GNU Radio soft stream both keep its slot
// (the receiver, demod, feeds its soft symbols through the same
// pipeline rule). NaNs before a frame leave its bit_offset where the frame
// was sent; a NaN on a start bit (sent as 0) costs nothing.
func TestSoftNaNSameInEveryPath(t *testing.T) {
	frame := []byte{0x2A, 0xD5, 0x00, 0x14, 0x22, 0x90, 0x00, 0x00, 0x57, 0x90, 0x00, 0x00, 0xC7, 0x51, 0x0F,
		0x07, 0x00, 0x03, 0x16, 0xA4, 0x1B, 0x10, 0x9E, 0x1F}
	stream := gs.AppendTransmission(make([]byte, 100), frame, 4, 40, 0x04)
	stream = append(stream, make([]byte, 100)...)
	const start = 100 + 40 + 20 // the 0x2A start bit
	nan := map[int]bool{5: true, 37: true, 99: true, start + 10: true}
	var soft []byte
	for i, b := range stream {
		v := float32(b)*2 - 1
		if nan[i] {
			v = float32(math.NaN())
		}
		soft = binary.LittleEndian.AppendUint32(soft, math.Float32bits(v))
	}
	offset := func(path, jsonl string) {
		t.Helper()
		var m struct {
			Raw       string `json:"raw"`
			BitOffset int64  `json:"bit_offset"`
			CRCOK     bool   `json:"crc_ok"`
		}
		if err := json.Unmarshal([]byte(strings.TrimSpace(jsonl)), &m); err != nil || !m.CRCOK || m.BitOffset != start ||
			m.Raw != "2AD500142290000057900000C7510F07000316A41B109E1F" {
			t.Errorf("%s: %q (%v), want the frame at bit %d", path, jsonl, err, start)
		}
	}

	file := filepath.Join(t.TempDir(), "nan.f32")
	if err := os.WriteFile(file, soft, 0o644); err != nil {
		t.Fatal(err)
	}
	r := gridstream(t, nil, "replay", "--state", "", "--input-format", "float32", file)
	if r.code != 0 || !strings.Contains(r.stderr, "nan=4") {
		t.Errorf("replay: exit %d: %s", r.code, r.stderr)
	}
	offset("replay", r.stdout)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cmd := exec.Command(testbin.Path(t), "decode", "--in", "pull://"+ln.Addr().String()+"?format=soft", "--state", "")
	var stdout, stderr decodeBuf
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	c := acceptPush(t, ln)
	c.Write(zmtp.AppendFrame(zmtp.AppendFrame(nil, soft[:4*333], false), soft[4*333:], false))
	for deadline := time.Now().Add(10 * time.Second); stdout.lines() < 1 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("decode: %v\n%s", err, stderr.String())
	}
	offset("decode", stdout.String())
}
