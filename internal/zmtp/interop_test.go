package zmtp

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// subscription reads messages and commands from a subscriber until one
// subscribes, in either ZMTP 3.0 form (a message starting with 1) or 3.1
// form (a SUBSCRIBE command), and returns the topic and the form.
func subscription(t *testing.T, c net.Conn, typ SocketType) (topic, form string) {
	t.Helper()
	br, err := Handshake(c, typ, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fr := FrameReader{R: br, Max: 1024, Command: func(name, data []byte) error {
		if string(name) == "SUBSCRIBE" {
			topic, form = string(data), "command"
		}
		return nil
	}}
	for form == "" {
		m, err := fr.ReadMsg()
		if err != nil {
			t.Fatal(err)
		}
		if len(m) == 1 && len(m[0]) > 0 && m[0][0] == 1 {
			topic, form = string(m[0][1:]), "message"
		}
	}
	return topic, form
}

// go-zeromq's SUB and PUSH against our PUB and PULL.
func TestInteropGoZeromq(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	sub := zmq4.NewSub(ctx) // its Dial shakes hands before returning
	defer sub.Close()
	go func() {
		if err := sub.Dial("tcp://" + ln.Addr().String()); err == nil {
			sub.SetOption(zmq4.OptionSubscribe, "abc")
		}
	}()
	c := <-accepted
	if c == nil {
		t.Fatal("accept failed")
	}
	defer c.Close()
	if topic, _ := subscription(t, c, Pub); topic != "abc" {
		t.Fatalf("subscribed to %q", topic)
	}
	c.Write(AppendFrame(AppendFrame(nil, []byte("abc"), true), []byte("payload"), false))
	m, err := sub.Recv()
	if err != nil || len(m.Frames) != 2 || string(m.Frames[1]) != "payload" {
		t.Fatalf("%q %v", m.Frames, err)
	}

	push := zmq4.NewPush(ctx)
	defer push.Close()
	if err := push.Listen("tcp://127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	pc, err := net.Dial("tcp", push.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	br, err := Handshake(pc, Pull, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	go push.Send(zmq4.NewMsg([]byte("bits")))
	fr := FrameReader{R: br, Max: 1024}
	got, err := fr.ReadMsg()
	if err != nil || len(got) != 1 || string(got[0]) != "bits" {
		t.Fatalf("%q %v", got, err)
	}
}

// libzmq (through pyzmq, as GNU Radio's gr-zeromq uses it): its SUB
// subscribes on our PUB, its PUSH and PUB feed our PULL and SUB.
func TestInteropLibzmq(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import zmq").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but python3-zmq is missing: %v", err)
		}
		t.Skipf("python3-zmq not installed: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	free := func() int {
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}
	pushPort, pubPort := free(), free()
	script := fmt.Sprintf(`
import zmq, time
ctx = zmq.Context()
sub = ctx.socket(zmq.SUB); sub.connect("tcp://%s"); sub.subscribe(b"abc")
push = ctx.socket(zmq.PUSH); push.bind("tcp://127.0.0.1:%d")
pub = ctx.socket(zmq.PUB); pub.bind("tcp://127.0.0.1:%d")
push.send(b"pushed")
print(sub.recv_multipart()[1].decode(), flush=True)
for _ in range(200):
    pub.send_multipart([b"k", b"published"]); time.sleep(0.02)
`, ln.Addr().String(), pushPort, pubPort)
	cmd := exec.Command(py, "-c", script)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	topic, form := subscription(t, c, Pub)
	t.Logf("libzmq subscribed as a %s", form)
	if topic != "abc" {
		t.Fatalf("subscribed to %q", topic)
	}
	c.Write(AppendFrame(AppendFrame(nil, []byte("abc"), true), []byte("to libzmq"), false))

	read := func(port int, typ SocketType, want string) {
		t.Helper()
		var pc net.Conn
		var err error
		for range 100 {
			if pc, err = net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		br, err := Handshake(pc, typ, 5*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if typ == Sub {
			pc.Write(AppendFrame(nil, []byte{1}, false))
		}
		pc.SetDeadline(time.Now().Add(10 * time.Second))
		fr := FrameReader{R: br, Max: 1024}
		m, err := fr.ReadMsg()
		if err != nil || string(m[len(m)-1]) != want {
			t.Fatalf("%s: %q %v", typ, m, err)
		}
	}
	read(pushPort, Pull, "pushed")
	read(pubPort, Sub, "published")
	cmd.Process.Kill()
	cmd.Wait()
	if !strings.Contains(out.String(), "to libzmq") {
		t.Fatalf("libzmq's SUB did not get our message: %s", out.String())
	}
}
