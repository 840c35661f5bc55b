package stdin

import "syscall"

// Usable reports a closed stdin (ErrClosed). Go's runtime replaces a
// standard file descriptor that is closed at start-up with /dev/null
// opened read-write, which would read as an empty input; a shell's
// </dev/null opens it read-only.
func Usable() error {
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, 0, syscall.F_GETFL, 0)
	if errno != 0 {
		return ErrClosed
	}
	if flags&syscall.O_ACCMODE != syscall.O_RDWR {
		return nil
	}
	var in, null syscall.Stat_t
	if syscall.Fstat(0, &in) != nil || syscall.Stat("/dev/null", &null) != nil {
		return nil
	}
	if in.Mode&syscall.S_IFMT == syscall.S_IFCHR && in.Rdev == null.Rdev {
		return ErrClosed
	}
	return nil
}
