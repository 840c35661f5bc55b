package zmqsink

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// Subscription limits per subscriber. gridstream's topics are
// "gridstream" and "nge101" (PMT PDUs have no topic frame, so their
// subscribers use ""); a subscriber beyond either limit is dropped.
const (
	// MaxTopicLen is the longest subscription accepted, in bytes.
	MaxTopicLen = 256
	// MaxTopics is the most distinct subscriptions one subscriber may hold.
	MaxTopics = 256
)

// topicSet is one subscriber's subscriptions: a count per topic (ZMQ
// counts repeated subscriptions; a cancel removes one), and how many
// distinct topics have each length, so that a match costs one map lookup
// per length in use instead of a scan of every topic. Subscribing and
// cancelling are O(topic length); both limits bound its memory.
type topicSet struct {
	all atomic.Bool // "" is subscribed: everything matches

	mu     sync.Mutex
	count  map[string]int
	byLen  [MaxTopicLen + 1]uint16
	maxLen int // longest topic subscribed
}

// subscribe adds one subscription to topic.
func (t *topicSet) subscribe(topic []byte) error {
	if len(topic) > MaxTopicLen {
		return fmt.Errorf("a %d-byte subscription (limit %d)", len(topic), MaxTopicLen)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if n, ok := t.count[string(topic)]; ok {
		t.count[string(topic)] = n + 1
		return nil
	}
	if len(t.count) >= MaxTopics {
		return fmt.Errorf("more than %d distinct subscriptions", MaxTopics)
	}
	if t.count == nil {
		t.count = map[string]int{}
	}
	t.count[string(topic)] = 1
	t.byLen[len(topic)]++
	t.maxLen = max(t.maxLen, len(topic))
	if len(topic) == 0 {
		t.all.Store(true)
	}
	return nil
}

// cancel removes one subscription to topic; unknown topics are ignored.
func (t *topicSet) cancel(topic []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, ok := t.count[string(topic)]
	switch {
	case !ok:
		return
	case n > 1:
		t.count[string(topic)] = n - 1
		return
	}
	delete(t.count, string(topic))
	t.byLen[len(topic)]--
	for t.maxLen > 0 && t.byLen[t.maxLen] == 0 {
		t.maxLen--
	}
	if len(topic) == 0 {
		t.all.Store(false)
	}
}

// matches reports whether a subscription is a prefix of topic.
func (t *topicSet) matches(topic []byte) bool {
	if t.all.Load() {
		return true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for l := 1; l <= min(t.maxLen, len(topic)); l++ {
		if t.byLen[l] == 0 {
			continue
		}
		if _, ok := t.count[string(topic[:l])]; ok {
			return true
		}
	}
	return false
}

// empty reports whether nothing is subscribed.
func (t *topicSet) empty() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.count) == 0
}
