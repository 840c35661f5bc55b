package gridstream

import "encoding/binary"

// maxMeters bounds the meters remembered as heard (about 50 bytes each):
// past it the first heard is forgotten first.
const maxMeters = 8192

// meterSet remembers which meters (source LAN ids) were heard CRC-good on
// which network, and the source WAN address of their broadcasts. A
// correction must lead to one of them, and a corrected broadcast must carry
// that address: a frame that is not a damaged frame of a heard meter
// (noise, a collision, a crafted frame, a network not heard) then matches
// only with probability maxMeters/2³² (and 2⁻⁴⁸ for a broadcast's address)
// on top of the CRC's chance.
type meterSet struct {
	heard map[uint64]meterFacts
	order [maxMeters]uint64 // in the order first heard, a ring once full
	next  int
	n     int
}

// meterFacts is what a meter sends unchanged in every frame of a kind.
type meterFacts struct {
	wan    [6]byte // source WAN address of its 0x55 broadcasts (hasWAN)
	hasWAN bool
}

func meterKey(init uint16, src uint32) uint64 { return uint64(init)<<32 | uint64(src) }

// add records meter src as heard on network init in a frame that carried
// source WAN address wan when hasWAN (the latest heard is kept).
func (s *meterSet) add(init uint16, src uint32, wan [6]byte, hasWAN bool) {
	k := meterKey(init, src)
	if f, ok := s.heard[k]; ok {
		if hasWAN {
			f.wan, f.hasWAN = wan, true
			s.heard[k] = f
		}
		return
	}
	if s.heard == nil {
		s.heard = make(map[uint64]meterFacts)
	}
	if s.n == maxMeters {
		delete(s.heard, s.order[s.next])
	} else {
		s.n++
	}
	s.heard[k] = meterFacts{wan: wan, hasWAN: hasWAN}
	s.order[s.next] = k
	s.next = (s.next + 1) % maxMeters
}

// has reports whether meter src was heard on network init.
func (s *meterSet) has(init uint16, src uint32) bool {
	_, ok := s.heard[meterKey(init, src)]
	return ok
}

// agrees reports whether typed (a frame from the type byte through the
// CRC) names a meter heard on network init and carries what that meter
// sends unchanged: a broadcast must carry the source WAN address heard in
// its broadcasts.
func (s *meterSet) agrees(init uint16, typed []byte) bool {
	src, ok := sourceOf(typed)
	if !ok {
		return false
	}
	f, ok := s.heard[meterKey(init, src)]
	if !ok {
		return false
	}
	if wan, ok := sourceWAN(typed); ok {
		return f.hasWAN && f.wan == wan
	}
	return true
}

// sourceWAN returns the source WAN address of a 0x55 broadcast of length
// 0x23 (from the type byte through the CRC).
func sourceWAN(typed []byte) (wan [6]byte, ok bool) {
	if len(typed) < 16 || typed[0] != TypeBroadcast || typed[2] != broadcastLen {
		return wan, false
	}
	return [6]byte(typed[10:16]), true
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
