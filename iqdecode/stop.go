package iqdecode

// String says why a run stopped, as the summary line puts it ("" for
// NotRun).
func (s Stop) String() string {
	switch s {
	case EndOfInput:
		return "end of input"
	case Interrupted:
		return "interrupted"
	case DurationReached:
		return "--duration reached"
	case Truncated:
		return "truncated input"
	case ServerClosed:
		return "server closed the connection"
	case InputError:
		return "input error"
	case OutputsGone:
		return "outputs closed"
	}
	return ""
}

// ByItself reports whether a run ended by itself, its input ended or its
// duration reached (after which a dashboard stays up); not when it was
// interrupted, failed or never ran.
func (s Stop) ByItself() bool {
	switch s {
	case EndOfInput, DurationReached, Truncated, ServerClosed:
		return true
	}
	return false
}
