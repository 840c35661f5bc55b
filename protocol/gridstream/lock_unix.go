//go:build unix

package gridstream

import (
	"os"
	"syscall"
	"time"
)

// lockFile takes an exclusive flock on path (created if missing), waiting
// for other holders, and returns its release.
func lockFile(path string) (func(), error) { return flock(path, -1) }

// tryLockFile is lockFile that waits at most budget for other holders,
// then fails with errStateBusy.
func tryLockFile(path string, budget time.Duration) (func(), error) { return flock(path, budget) }

// flock takes the lock, waiting for ever when budget is negative.
func flock(path string, budget time.Duration) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_EX
	if budget >= 0 {
		how |= syscall.LOCK_NB
	}
	deadline, pause := time.Now().Add(budget), time.Millisecond
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if err == syscall.EWOULDBLOCK && time.Now().Before(deadline) {
			time.Sleep(pause)
			pause = min(2*pause, 16*time.Millisecond)
			continue
		}
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		if err == syscall.EWOULDBLOCK {
			err = errStateBusy
		}
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
