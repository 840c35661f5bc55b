package mqttsink

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/mosquitto"
	"github.com/gridstream-sdr/gridstream/internal/testbin"
)

// A TLS/plain mismatch with the broker is a clear error at once, not an
// "unreachable" broker retried forever: from New, and from the real binary
// as exit status 2.
func TestTransportMismatch(t *testing.T) {
	_, cert, key := writeCerts(t)
	tlsBroker := mosquitto.Start(t, mosquitto.Options{CertFile: cert, KeyFile: key})
	plainBroker := mosquitto.Start(t, mosquitto.Options{})
	for _, tc := range []struct {
		name, url string
		want      []string
	}{
		{"mqtt:// to a TLS broker", strings.Replace(tlsBroker.URL(), "mqtts://", "mqtt://", 1),
			[]string{"speaks TLS", "use mqtts://127.0.0.1:"}},
		{"mqtts:// to a plain broker", strings.Replace(plainBroker.URL(), "mqtt://", "mqtts://", 1),
			[]string{"TLS handshake", "speaks plain MQTT", "use mqtt://127.0.0.1:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			s, err := New(Config{URL: tc.url, Insecure: true}, quiet())
			if s != nil {
				s.Close()
			}
			if err == nil {
				t.Fatalf("New accepted %s (reported as unreachable and retried)", tc.url)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("took %v", el)
			}
			cmd := exec.Command(testbin.Path(t), "replay", "--state", "", "-q", "--mqtt", tc.url, "--mqtt-insecure")
			cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			done := make(chan error, 1)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				ee, ok := err.(*exec.ExitError)
				if !ok || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), tc.want[0]) {
					t.Errorf("gridstream replay --mqtt %s: %v, want exit 2 saying %q\n%s", tc.url, err, tc.want[0], stderr.String())
				}
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("gridstream replay --mqtt %s did not stop\n%s", tc.url, stderr.String())
			}
		})
	}
	// A broker that is only away is still retried in the background.
	plainBroker.Stop()
	s, err := New(Config{URL: plainBroker.URL()}, quiet())
	if err != nil {
		t.Fatalf("a broker that is away: %v", err)
	}
	s.Close()
}
