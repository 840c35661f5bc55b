package web

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

func msg(i int) *frames.Message {
	m := &frames.Message{Protocol: gridstream.Name, CRCOK: true, Raw: fmt.Sprintf("%04X", i),
		Fields: &gridstream.Fields{Type: "55", Src: fmt.Sprintf("%08X", i)}}
	m.Stamp(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	return m
}

func TestListenAddr(t *testing.T) {
	for in, want := range map[string]string{
		"8080": "127.0.0.1:8080", ":8080": "127.0.0.1:8080", "0": "127.0.0.1:0",
		"0.0.0.0:80": "0.0.0.0:80", "[::1]:9000": "[::1]:9000", "localhost:1": "localhost:1",
	} {
		if got, err := ListenAddr(in); err != nil || got != want {
			t.Errorf("ListenAddr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "x", "70000", "host:port", "1.2.3.4"} {
		if got, err := ListenAddr(bad); err == nil {
			t.Errorf("ListenAddr(%q) = %q, want an error", bad, got)
		}
	}
}

// sse reads events from an open /events response.
type sse struct {
	r *bufio.Reader
}

type sseEvent struct{ id, kind, data string }

func (s *sse) next(t *testing.T) sseEvent {
	t.Helper()
	var e sseEvent
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			t.Fatalf("event stream: %v", err)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "" && e.kind != "":
			return e
		case strings.HasPrefix(line, "id: "):
			e.id = line[4:]
		case strings.HasPrefix(line, "event: "):
			e.kind = line[7:]
		case strings.HasPrefix(line, "data: "):
			e.data = line[6:]
		}
	}
}

func open(t *testing.T, url, lastID string) (*sse, func()) {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/events", nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	return &sse{r: bufio.NewReader(resp.Body)}, func() { resp.Body.Close() }
}

func newTestServer(t *testing.T, h *Hub) *httptest.Server {
	s := &Server{opt: Options{Hub: h,
		Devices: func() any { return []map[string]any{{"protocol": "gridstream", "id": "40DA952B"}} },
		Stats:   func() map[string]any { return map[string]any{"crc_good": 7} }}}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	t.Cleanup(func() { h.Close() })
	return ts
}

// A page that connects late gets the history first, then live events; one
// that reconnects with Last-Event-ID gets only what it missed.
func TestEventsHistoryAndLive(t *testing.T) {
	h := NewHub()
	ts := newTestServer(t, h)
	for i := range 3 {
		h.Send(msg(i))
	}
	h.SendBurst(Burst{Start: 0.1, End: 0.2, FreqLo: 915e6, FreqHi: 915.03e6, Decoded: true, Devices: []string{"gridstream/00000000"}})
	s, closeFn := open(t, ts.URL, "")
	defer closeFn()
	var ids []string
	for i := range 4 {
		e := s.next(t)
		ids = append(ids, e.id)
		want := "message"
		if i == 3 {
			want = "burst"
		}
		if e.kind != want {
			t.Fatalf("event %d is %q, want %q", i, e.kind, want)
		}
	}
	h.Send(msg(3))
	e := s.next(t)
	var m frames.Message
	if err := json.Unmarshal([]byte(e.data), &m); err != nil || !strings.Contains(e.data, `"src":"00000003"`) {
		t.Fatalf("live event %q: %v", e.data, err)
	}
	s2, close2 := open(t, ts.URL, ids[2])
	defer close2()
	if e := s2.next(t); e.kind != "burst" || e.id != ids[3] {
		t.Fatalf("after Last-Event-ID %s: %+v", ids[2], e)
	}
	if e := s2.next(t); e.kind != "message" || !strings.Contains(e.data, `"src":"00000003"`) {
		t.Fatalf("second event after Last-Event-ID: %+v", e)
	}
	// An id from an earlier process (higher than any here): everything.
	s3, close3 := open(t, ts.URL, "999999")
	defer close3()
	if e := s3.next(t); e.id != ids[0] {
		t.Fatalf("after a stale Last-Event-ID the first event is %+v", e)
	}
}

// A client that does not read loses events (counted), and Send never
// blocks however many arrive.
func TestSlowClientDrops(t *testing.T) {
	h := NewHub()
	c, _ := h.subscribe(0)
	n := ClientQueue + 100
	done := make(chan struct{})
	go func() {
		for i := range n {
			h.Send(msg(i))
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Send blocked on a client that does not read")
	}
	if got := h.Stats().Dropped; got != 100 || c.dropped.Load() != 100 || len(c.ch) != ClientQueue {
		t.Errorf("dropped %d (client %d), queued %d", got, c.dropped.Load(), len(c.ch))
	}
	h.unsubscribe(c)
}

func TestClientLimit(t *testing.T) {
	h := NewHub()
	for range MaxClients {
		if c, _ := h.subscribe(0); c == nil {
			t.Fatal("refused below the limit")
		}
	}
	if c, _ := h.subscribe(0); c != nil {
		t.Fatal("more clients than MaxClients")
	}
	ts := newTestServer(t, h)
	resp, err := http.Get(ts.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("over the limit: %s", resp.Status)
	}
}

func TestHistoryBounded(t *testing.T) {
	h := NewHub()
	for i := range MessageHistory + 50 {
		h.Send(msg(i))
	}
	for range BurstHistory + 10 {
		h.SendBurst(Burst{})
	}
	_, backlog := h.subscribe(0)
	if len(backlog) != MessageHistory+BurstHistory {
		t.Fatalf("backlog %d events", len(backlog))
	}
	if !strings.Contains(string(backlog[0]), `"src":"00000032"`) {
		t.Errorf("oldest kept message: %s", backlog[0])
	}
}

func TestAPIAndAssets(t *testing.T) {
	h := NewHub()
	ts := newTestServer(t, h)
	h.SendBurst(Burst{Start: 1, End: 2, Baud: 9600})
	get := func(path string) (string, http.Header) {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %s", path, resp.Status)
		}
		return string(b), resp.Header
	}
	if b, _ := get("/api/devices"); !strings.Contains(b, `"id":"40DA952B"`) {
		t.Errorf("/api/devices: %s", b)
	}
	var st map[string]any
	b, _ := get("/api/stats")
	if json.Unmarshal([]byte(b), &st) != nil || st["crc_good"] != 7.0 || st["sse_clients"] != 0.0 {
		t.Errorf("/api/stats: %s", b)
	}
	if b, _ := get("/api/bursts"); !strings.Contains(b, `"baud":9600`) {
		t.Errorf("/api/bursts: %s", b)
	}
	page, hd := get("/")
	if !strings.Contains(page, `<script src="app.js">`) || !strings.HasPrefix(hd.Get("Content-Type"), "text/html") {
		t.Errorf("/: %s", page)
	}
	for _, asset := range []string{"/app.js", "/style.css"} {
		body, _ := get(asset)
		// Nothing from the network: no absolute URL in any asset.
		if strings.Contains(body, "http://") || strings.Contains(body, "https://") || strings.Contains(body, "//cdn") {
			t.Errorf("%s refers to the network", asset)
		}
	}
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		t.Error("the page refers to the network")
	}
}

// A loopback-only server answers only loopback host names (no DNS
// rebinding).
func TestLoopbackHostGuard(t *testing.T) {
	s := &Server{opt: Options{Hub: NewHub()}, loop: true}
	for host, want := range map[string]int{"127.0.0.1:8080": 200, "localhost:8080": 200, "[::1]:80": 200, "evil.example:8080": 403} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/api/stats", nil)
		req.Host = host
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Host %s: %d, want %d", host, rec.Code, want)
		}
	}
}

// FuzzListenAddr: any --http value is an address net.Listen accepts with a
// port, or an error; never a panic, never an empty host.
func FuzzListenAddr(f *testing.F) {
	for _, s := range []string{"8080", ":8080", "0", "0.0.0.0:80", "[::1]:9000", "localhost:1", "", "x", "70000", "[::1", "1:2:3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ListenAddr(s)
		if err != nil {
			return
		}
		host, port, err := net.SplitHostPort(a)
		if err != nil || host == "" || port == "" {
			t.Fatalf("ListenAddr(%q) = %q", s, a)
		}
	})
}

// With no page open, an event is kept in the history unencoded (no cost
// per message but a pointer); a page that connects gets it encoded.
func TestNoClientNoEncoding(t *testing.T) {
	h := NewHub()
	for i := range 10 {
		h.Send(msg(i))
		h.SendBurst(Burst{Start: float64(i)})
	}
	encoded := 0
	h.messages.each(func(e *event) {
		if e.data != nil {
			encoded++
		}
	})
	if encoded != 0 {
		t.Errorf("%d events encoded with no client", encoded)
	}
	_, backlog := h.subscribe(0)
	if len(backlog) != 20 || !strings.Contains(string(backlog[0]), `"src":"00000000"`) || !strings.HasPrefix(string(backlog[1]), "id: 2\nevent: burst\n") {
		t.Errorf("backlog %d events: %q", len(backlog), backlog[:2])
	}
}
