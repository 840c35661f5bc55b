//go:build unix

package gridstream_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// Another process holding the state file's lock does not stall decoding:
// the network is learned and its frames come out, the save is put off, and
// it is written at a later frame once the lock is free.
func TestStateFileLockedByAnotherProcess(t *testing.T) {
	state := filepath.Join(t.TempDir(), "networks.json")
	lock, err := os.OpenFile(state+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	dec, err := gridstream.NewDecoder(gridstream.Config{StatePath: state, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	const init = 0x7A31
	done := make(chan int)
	go func() {
		n := len(sendFrame(dec, unknownFrame(init, 1)))
		done <- n + len(sendFrame(dec, unknownFrame(init, 2)))
	}()
	select {
	case n := <-done:
		if n != 2 {
			t.Fatalf("%d frames out, want 2", n)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("decoding waits for the state file's lock")
	}
	if l, err := gridstream.ReadLearned(state); err != nil || len(l) != 0 {
		t.Fatalf("the file was written under another process's lock: %v %v", l, err)
	}
	syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	now = now.Add(2 * time.Minute)
	if got := sendFrame(dec, unknownFrame(init, 3)); len(got) != 1 || !got[0].CRCOK {
		t.Fatalf("got %+v", got)
	}
	l, err := gridstream.ReadLearned(state)
	if err != nil || len(l) != 1 || l[0].CRCInit != gridstream.FormatInit(init) {
		t.Fatalf("state file %+v, %v", l, err)
	}
}

// A save put off by another process's lock is not lost when the run ends:
// Close saves it once the lock is free, waiting a bounded time; when the
// lock stays held, Close gives up within that time and says so.
func TestCloseSavesWhatWasPutOff(t *testing.T) {
	const init = 0x7A31
	for _, freed := range []bool{true, false} {
		state := filepath.Join(t.TempDir(), "networks.json")
		lock, err := os.OpenFile(state+".lock", os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
			t.Fatal(err)
		}
		dec, err := gridstream.NewDecoder(gridstream.Config{StatePath: state})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(sendFrame(dec, unknownFrame(init, 1))) + len(sendFrame(dec, unknownFrame(init, 2))); n != 2 {
			t.Fatalf("%d frames out, want 2", n)
		}
		if l, err := gridstream.ReadLearned(state); err != nil || len(l) != 0 {
			t.Fatalf("the file was written under another process's lock: %v %v", l, err)
		}
		if freed {
			time.AfterFunc(time.Second, func() { syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) })
		}
		start := time.Now()
		err = dec.Close()
		took := time.Since(start)
		lock.Close()
		l, rerr := gridstream.ReadLearned(state)
		switch {
		case took > 15*time.Second:
			t.Errorf("freed=%v: Close took %v", freed, took)
		case freed && (err != nil || rerr != nil || len(l) != 1 || l[0].CRCInit != gridstream.FormatInit(init)):
			t.Errorf("lock freed: Close %v; state file %+v, %v", err, l, rerr)
		case !freed && (err == nil || len(l) != 0):
			t.Errorf("lock held: Close %v (want an error); state file %+v", err, l)
		}
		if err := dec.Close(); freed && err != nil {
			t.Errorf("a second Close: %v", err)
		}
	}
}
