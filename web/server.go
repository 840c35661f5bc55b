// Package web serves gridstream's live dashboard: a page with the devices
// heard, counters and a band view of bursts, and the JSON API behind it.
//
//	GET /             the dashboard (HTML, CSS and JS embedded: no CDN, works offline)
//	GET /api/devices  JSON array, one object per device (the shared device table)
//	GET /api/stats    JSON object of counters
//	GET /api/bursts   JSON array of the recent bursts (demod)
//	GET /events       Server-Sent Events: "message" (every decoded message,
//	                  as the JSON lines on stdout), "burst", "done"
//
// The package knows nothing of where its data comes from: a Server is given
// functions that snapshot the device table and the counters, and a Hub that
// the decoder sends messages and bursts to. Memory is bounded: at most
// MaxClients event streams, each with a queue of ClientQueue events (a slow
// client loses events, counted in sse_dropped), and a history of the last
// MessageHistory messages and BurstHistory bursts.
package web

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

//go:embed assets
var assets embed.FS

// Options says where a Server's data comes from.
type Options struct {
	// Hub carries messages and bursts to the page (required).
	Hub *Hub
	// Devices returns the device table's rows, encoded as a JSON array
	// (nil: none).
	Devices func() any
	// Stats returns the counters shown on the page and in /api/stats; the
	// hub's own are added (nil: only those).
	Stats func() map[string]any
	// Logger logs the server's errors (nil: slog.Default()).
	Logger *slog.Logger
}

// Server is the dashboard's HTTP server.
type Server struct {
	opt  Options
	srv  *http.Server
	ln   net.Listener
	loop bool // bound to a loopback address: only loopback Host names
}

// ListenAddr turns the user's --http value into a listen address: a bare
// port ("8080" or ":8080") means 127.0.0.1, so nothing is exposed unless
// the user names an interface ("0.0.0.0:8080", "[::]:8080").
func ListenAddr(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("empty address")
	}
	if _, err := strconv.ParseUint(s, 10, 16); err == nil {
		s = ":" + s
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", fmt.Errorf("%q: want PORT, HOST:PORT or [IPv6]:PORT", s)
	}
	if p, err := strconv.ParseUint(port, 10, 16); err != nil || (p == 0 && port != "0") {
		return "", fmt.Errorf("%q: port must be 0-65535", s)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// Listen opens the listener on addr (see ListenAddr) and returns the
// server; Serve starts answering.
func Listen(addr string, opt Options) (*Server, error) {
	if opt.Hub == nil {
		return nil, errors.New("web: no hub")
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	a, err := ListenAddr(addr)
	if err != nil {
		return nil, fmt.Errorf("--http %w", err)
	}
	ln, err := net.Listen("tcp", a)
	if err != nil {
		return nil, fmt.Errorf("--http: %w", err)
	}
	s := &Server{opt: opt, ln: ln}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok {
		s.loop = tcp.IP.IsLoopback()
	}
	s.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(opt.Logger.Handler(), slog.LevelDebug),
	}
	return s, nil
}

// URL is the address the dashboard is served at.
func (s *Server) URL() string {
	a := s.ln.Addr().(*net.TCPAddr)
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(a.Port)) + "/"
}

// Serve answers requests until Shutdown.
func (s *Server) Serve() error {
	err := s.srv.Serve(s.ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown ends the event streams and stops the server, waiting at most
// until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	s.opt.Hub.Close()
	return s.srv.Shutdown(ctx)
}

// Handler returns the dashboard's routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "assets")
	files := http.FileServerFS(static)
	mux.Handle("GET /", noCache(files))
	mux.HandleFunc("GET /api/devices", s.devices)
	mux.HandleFunc("GET /api/stats", s.stats)
	mux.HandleFunc("GET /api/bursts", s.burstList)
	mux.HandleFunc("GET /events", s.events)
	return s.guard(mux)
}

// guard refuses requests whose Host is not a loopback name when the server
// listens on loopback only (a page elsewhere could otherwise reach it by
// DNS rebinding), and sets the headers every answer gets.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.loop && !loopbackHost(r.Host) {
			http.Error(w, "forbidden host", http.StatusForbidden)
			return
		}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'")
		next.ServeHTTP(w, r)
	})
}

func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func noCache(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func (s *Server) devices(w http.ResponseWriter, _ *http.Request) {
	var v any = []any{}
	if s.opt.Devices != nil {
		v = s.opt.Devices()
	}
	writeJSON(w, v)
}

func (s *Server) stats(w http.ResponseWriter, _ *http.Request) {
	m := map[string]any{}
	if s.opt.Stats != nil {
		for k, v := range s.opt.Stats() {
			m[k] = v
		}
	}
	hs := s.opt.Hub.Stats()
	m["sse_clients"], m["sse_dropped"], m["sse_refused"] = hs.Clients, hs.Dropped, hs.Refused
	m["bursts_seen"] = hs.Bursts
	writeJSON(w, m)
}

func (s *Server) burstList(w http.ResponseWriter, _ *http.Request) {
	out := []json.RawMessage{}
	h := s.opt.Hub
	h.mu.Lock()
	h.bursts.each(func(e *event) {
		if e.encoded() != nil {
			out = append(out, json.RawMessage(e.body))
		}
	})
	h.mu.Unlock()
	writeJSON(w, out)
}

// pingEvery keeps idle event streams open through proxies.
const pingEvery = 15 * time.Second

// writeWait bounds one write to an event stream: a client that stops
// reading is disconnected.
const writeWait = 10 * time.Second

func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	var last uint64
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		last, _ = strconv.ParseUint(v, 10, 64)
	}
	h := s.opt.Hub
	c, backlog := h.subscribe(last)
	if c == nil {
		http.Error(w, "too many event streams", http.StatusServiceUnavailable)
		return
	}
	defer h.unsubscribe(c)
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	write := func(b []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(writeWait))
		_, err := w.Write(b)
		return err == nil
	}
	if !write([]byte("retry: 2000\n\n")) {
		return
	}
	for _, b := range backlog {
		if !write(b) {
			return
		}
	}
	if rc.Flush() != nil {
		return
	}
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for {
		select {
		case b := <-c.ch:
			if !write(b) {
				return
			}
			// Take what else is queued before flushing.
			for more := true; more; {
				select {
				case b := <-c.ch:
					if !write(b) {
						return
					}
				default:
					more = false
				}
			}
		case <-ping.C:
			if !write([]byte(": ping\n\n")) {
				return
			}
		case <-r.Context().Done():
			return
		case <-h.done:
			return
		}
		if rc.Flush() != nil {
			return
		}
	}
}
