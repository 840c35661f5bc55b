package gridstream

import "encoding/binary"

// maxMeters bounds the meters remembered as heard (about 40 bytes each):
// past it the first heard is forgotten first.
const maxMeters = 8192

// meterSet remembers which meters (source LAN ids) were heard CRC-good on
// which network. A correction must lead to one of them: a frame that is
// not a damaged frame of a heard meter (noise, a crafted frame, a network
// not heard) then matches only with probability maxMeters/2³² on top of
// the CRC's chance.
type meterSet struct {
	heard map[uint64]struct{}
	order [maxMeters]uint64 // in the order first heard, a ring once full
	next  int
	n     int
}

func meterKey(init uint16, src uint32) uint64 { return uint64(init)<<32 | uint64(src) }

// add records meter src as heard on network init.
func (s *meterSet) add(init uint16, src uint32) {
	k := meterKey(init, src)
	if _, ok := s.heard[k]; ok {
		return
	}
	if s.heard == nil {
		s.heard = make(map[uint64]struct{})
	}
	if s.n == maxMeters {
		delete(s.heard, s.order[s.next])
	} else {
		s.n++
	}
	s.heard[k] = struct{}{}
	s.order[s.next] = k
	s.next = (s.next + 1) % maxMeters
}

// has reports whether meter src was heard on network init.
func (s *meterSet) has(init uint16, src uint32) bool {
	_, ok := s.heard[meterKey(init, src)]
	return ok
}

// sourceOf returns the source LAN id of a frame (from the type byte through
// the CRC) that follows its type's rule, when its type carries one where
// gridstream knows: 0x55 broadcasts of length 0x23 and 0xD5 frames.
func sourceOf(typed []byte) (uint32, bool) {
	switch {
	case typed[0] == TypeBroadcast && typed[2] == broadcastLen && len(typed) >= 27:
		return binary.BigEndian.Uint32(typed[23:27]), true
	case typed[0] == TypeDirected && len(typed) >= 12:
		return binary.BigEndian.Uint32(typed[8:12]), true
	}
	return 0, false
}
