package gridstream

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
)

// LearnedNetwork is a utility network whose CRC init was solved from traffic
// and confirmed by further, different frames.
type LearnedNetwork struct {
	CRCInit   string `json:"crc_init"`
	NetworkID int    `json:"network_id"`
	// Learned is when it was confirmed, RFC 3339 UTC.
	Learned string `json:"learned"`
	// LastHeard is when a frame of it was last decoded (saved to the hour),
	// RFC 3339 UTC. A network not heard for Config.ForgetAfter is
	// forgotten. Files written before it existed count as heard when read.
	LastHeard string `json:"last_heard,omitempty"`
}

// times returns when ln was learned and last heard; missing or unreadable
// times count as now.
func (ln LearnedNetwork) times(now time.Time) (learned, heard time.Time) {
	parse := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return now
		}
		return t
	}
	learned, heard = parse(ln.Learned), parse(ln.LastHeard)
	if learned.After(heard) {
		heard = learned
	}
	return learned, heard
}

// ErrBadState marks a state file that exists but is not one gridstream
// wrote: malformed JSON or an impossible CRC init. A command-line tool
// reports it as a usage error (fix or delete the file, or pass another).
var ErrBadState = errors.New("malformed state file")

// badStateError is a state file's parse error that is also ErrBadState.
type badStateError struct{ err error }

func (e *badStateError) Error() string   { return e.err.Error() }
func (e *badStateError) Unwrap() []error { return []error{e.err, ErrBadState} }

type stateFile struct {
	Networks []LearnedNetwork `json:"networks"`
}

// DefaultStatePath is where learned networks persist unless --state says
// otherwise: $XDG_STATE_HOME/gridstream/networks.json, falling back to
// ~/.local/state/gridstream/networks.json.
func DefaultStatePath() string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "gridstream", "networks.json")
}

// ReadLearned reads a state file; a missing file is an empty list.
func ReadLearned(path string) ([]LearnedNetwork, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st stateFile
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, &badStateError{fmt.Errorf("state file %s: %w", path, err)}
	}
	for _, n := range st.Networks {
		if _, err := ParseInit(n.CRCInit); err != nil {
			return nil, &badStateError{fmt.Errorf("state file %s: %w", path, err)}
		}
	}
	return st.Networks, nil
}

// UpdateLearned changes a state file under an exclusive lock on a lock
// file beside it (PATH.lock), so that processes sharing the file never
// lose each other's changes: it reads the file, calls change, writes the
// result atomically (temporary file, then rename) and returns it.
func UpdateLearned(path string, change func([]LearnedNetwork) []LearnedNetwork) ([]LearnedNetwork, error) {
	return updateLearned(path, change, lockFile)
}

// errStateBusy says that another process held the state file's lock for
// longer than a decoder waits for it.
var errStateBusy = errors.New("the state file is locked by another process")

// tryUpdateLearned is UpdateLearned that waits at most budget for the
// lock, then fails with errStateBusy.
func tryUpdateLearned(path string, change func([]LearnedNetwork) []LearnedNetwork, budget time.Duration) ([]LearnedNetwork, error) {
	return updateLearned(path, change, func(p string) (func(), error) { return tryLockFile(p, budget) })
}

func updateLearned(path string, change func([]LearnedNetwork) []LearnedNetwork, lock func(string) (func(), error)) ([]LearnedNetwork, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	unlock, err := lock(path + ".lock")
	if err != nil {
		return nil, err
	}
	defer unlock()
	cur, err := ReadLearned(path)
	if err != nil {
		return nil, err
	}
	next := change(cur)
	return next, writeLearned(path, next)
}

// writeLearned writes a state file atomically (temporary file, then rename).
func writeLearned(path string, nets []LearnedNetwork) error {
	if nets == nil {
		nets = []LearnedNetwork{}
	}
	b, err := json.MarshalIndent(stateFile{Networks: nets}, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".networks-*.json")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// mergeLearned returns file with news merged in: a network in both keeps
// the earlier learned and the later last-heard time.
func mergeLearned(file, news []LearnedNetwork, now time.Time) []LearnedNetwork {
	out := slices.Clone(file)
	for _, n := range news {
		i := slices.IndexFunc(out, func(f LearnedNetwork) bool { return strings.EqualFold(f.CRCInit, n.CRCInit) })
		if i < 0 {
			out = append(out, n)
			continue
		}
		fl, fh := out[i].times(now)
		nl, nh := n.times(now)
		if nl.Before(fl) {
			out[i].Learned = n.Learned
		}
		if nh.After(fh) {
			out[i].LastHeard = n.LastHeard
		}
	}
	return out
}

// keepLearned drops networks not heard for forgetAfter and duplicates,
// and keeps the limit most recently heard of the rest, oldest learned first.
func keepLearned(list []LearnedNetwork, now time.Time, forgetAfter time.Duration, limit int) []LearnedNetwork {
	var out []LearnedNetwork
	seen := map[uint16]bool{}
	for _, n := range list {
		init, err := ParseInit(n.CRCInit)
		_, heard := n.times(now)
		if err != nil || seen[init] || now.Sub(heard) > forgetAfter {
			continue
		}
		seen[init] = true
		n.CRCInit = FormatInit(init)
		if n.LastHeard == "" {
			n.LastHeard = heard.UTC().Format(frames.TimeLayout)
		}
		out = append(out, n)
	}
	if len(out) > limit {
		slices.SortStableFunc(out, func(a, b LearnedNetwork) int {
			_, ha := a.times(now)
			_, hb := b.times(now)
			return hb.Compare(ha)
		})
		out = out[:limit]
	}
	sortLearned(out)
	return out
}

// sortLearned orders networks by when they were learned, then by init.
func sortLearned(list []LearnedNetwork) {
	slices.SortStableFunc(list, func(a, b LearnedNetwork) int {
		if c := strings.Compare(a.Learned, b.Learned); c != 0 {
			return c
		}
		return strings.Compare(a.CRCInit, b.CRCInit)
	})
}

// ForgetLearned removes networks from a state file (every one when inits is
// empty) and returns those removed. A running gridstream drops a forgotten
// network at its next save, unless it has heard it since.
func ForgetLearned(path string, inits []uint16) ([]LearnedNetwork, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	var gone []LearnedNetwork
	_, err := UpdateLearned(path, func(cur []LearnedNetwork) []LearnedNetwork {
		kept := cur[:0]
		for _, n := range cur {
			init, _ := ParseInit(n.CRCInit)
			if len(inits) == 0 || slices.Contains(inits, init) {
				gone = append(gone, n)
				continue
			}
			kept = append(kept, n)
		}
		return kept
	})
	return gone, err
}

// ParseInit reads a CRC init written as 4 hex digits, with or without 0x.
func ParseInit(s string) (uint16, error) {
	t := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "0x"), "0X")
	v, err := strconv.ParseUint(t, 16, 16)
	if err != nil || len(t) == 0 || len(t) > 4 {
		return 0, fmt.Errorf("bad CRC init %q: want 4 hex digits such as 5FD6", s)
	}
	return uint16(v), nil
}

// FormatInit writes a CRC init as 4 upper-case hex digits.
func FormatInit(init uint16) string { return fmt.Sprintf("%04X", init) }
