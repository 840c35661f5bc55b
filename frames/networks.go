package frames

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// LearnedNetwork is a utility network whose CRC init was solved from traffic
// and confirmed by a second, different frame.
type LearnedNetwork struct {
	CRCInit   string `json:"crc_init"`
	NetworkID int    `json:"network_id"`
	// Learned is when the second frame confirmed it, RFC 3339 UTC.
	Learned string `json:"learned"`
}

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

// loadLearned reads a state file; a missing file is an empty list.
func loadLearned(path string) ([]LearnedNetwork, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st stateFile
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	for _, n := range st.Networks {
		if _, err := ParseInit(n.CRCInit); err != nil {
			return nil, fmt.Errorf("state file %s: %w", path, err)
		}
	}
	return st.Networks, nil
}

// saveLearned writes the state file atomically (temporary file, then rename).
func saveLearned(path string, nets []LearnedNetwork) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
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
