// Package devices is a bounded table of the devices heard, keyed by
// protocol and id ("gridstream/0B1C2D3E"). When it is full, a new device
// makes room by evicting the least recently heard one, in O(1); pinned
// devices (the user's own meters) are never evicted and always have a place.
// Outputs that keep state per device (MQTT, a dashboard) share it.
package devices

import (
	"container/list"
	"iter"
)

// Key is a device's key in a table: protocol and id.
func Key(protocol, id string) string { return protocol + "/" + id }

// Table holds up to a bound of devices, each a value of type T. It is not
// safe for concurrent use: its owner locks.
type Table[T any] struct {
	max     int
	entries map[string]*entry[T]
	heard   *list.List // unpinned entries, most recently heard first
	// OnEvict, when set, is called with every device evicted.
	OnEvict func(key string, v T)
	// OnFull, when set, is called the first time the table is full.
	OnFull func()
	full   bool
}

type entry[T any] struct {
	key   string
	value T
	el    *list.Element // nil for a pinned device
}

// New returns a table of at most max devices (pinned ones may go beyond
// it when nothing else can make room).
func New[T any](max int) *Table[T] {
	return &Table[T]{max: max, entries: map[string]*entry[T]{}, heard: list.New()}
}

// Get returns the device under key.
func (t *Table[T]) Get(key string) (T, bool) {
	e, ok := t.entries[key]
	if !ok {
		var zero T
		return zero, false
	}
	return e.value, true
}

// Heard marks the device under key as heard now (the last to be evicted);
// it reports whether the table has it.
func (t *Table[T]) Heard(key string) bool {
	e, ok := t.entries[key]
	if ok && e.el != nil {
		t.heard.MoveToFront(e.el)
	}
	return ok
}

// Add puts a new device under key, heard now, evicting the least recently
// heard unpinned device when the table is full. It reports false, keeping
// nothing, when the table is full and holds only pinned devices, unless the
// new one is pinned too.
func (t *Table[T]) Add(key string, v T, pinned bool) bool {
	if old, ok := t.entries[key]; ok {
		old.value = v
		t.Heard(key)
		return true
	}
	if len(t.entries) >= t.max {
		if !t.full {
			t.full = true
			if t.OnFull != nil {
				t.OnFull()
			}
		}
		oldest := t.heard.Back()
		if oldest == nil && !pinned {
			return false
		}
		if oldest != nil {
			e := t.heard.Remove(oldest).(*entry[T])
			delete(t.entries, e.key)
			if t.OnEvict != nil {
				t.OnEvict(e.key, e.value)
			}
		}
	}
	e := &entry[T]{key: key, value: v}
	if !pinned {
		e.el = t.heard.PushFront(e)
	}
	t.entries[key] = e
	return true
}

// Len returns how many devices the table holds.
func (t *Table[T]) Len() int { return len(t.entries) }

// Evictable returns how many of them are not pinned.
func (t *Table[T]) Evictable() int { return t.heard.Len() }

// All yields every device, in no particular order.
func (t *Table[T]) All() iter.Seq2[string, T] {
	return func(yield func(string, T) bool) {
		for k, e := range t.entries {
			if !yield(k, e.value) {
				return
			}
		}
	}
}
