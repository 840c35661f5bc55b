package iqdecode

import "testing"

func TestStop(t *testing.T) {
	for _, tc := range []struct {
		s        Stop
		text     string
		byItself bool
	}{
		{NotRun, "", false},
		{EndOfInput, "end of input", true},
		{Interrupted, "interrupted", false},
		{DurationReached, "--duration reached", true},
		{Truncated, "truncated input", true},
		{ServerClosed, "server closed the connection", true},
		{InputError, "input error", false},
	} {
		if tc.s.String() != tc.text || tc.s.ByItself() != tc.byItself {
			t.Errorf("stop %d: %q %v, want %q %v", int(tc.s), tc.s.String(), tc.s.ByItself(), tc.text, tc.byItself)
		}
	}
}
