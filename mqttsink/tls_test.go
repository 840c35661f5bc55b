package mqttsink

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/internal/mosquitto"
)

// writeCerts makes a CA and a server certificate for 127.0.0.1 and returns
// the PEM files' paths.
func writeCerts(t *testing.T) (ca, cert, key string) {
	t.Helper()
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gridstream test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	srvKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srvTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(srvKey)
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return write("ca.pem", "CERTIFICATE", caDER), write("server.pem", "CERTIFICATE", srvDER), write("server.key", "PRIVATE KEY", keyDER)
}

// TestTLS publishes over mqtts:// to a TLS mosquitto.
func TestTLS(t *testing.T) {
	ca, cert, key := writeCerts(t)
	b := mosquitto.Start(t, mosquitto.Options{CertFile: cert, KeyFile: key})
	if !strings.HasPrefix(b.URL(), "mqtts://") {
		t.Fatal(b.URL())
	}
	_, err := New(Config{URL: b.URL()}, quiet())
	if err == nil || !strings.Contains(err.Error(), "--mqtt-ca") {
		t.Fatalf("untrusted certificate: err = %v", err)
	}
	for _, cfg := range []Config{{URL: b.URL(), CAFile: ca}, {URL: b.URL(), Insecure: true}} {
		s := newSink(t, cfg)
		s.Send(ngePower(epoch, 4547))
		flush(t, s)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := New(Config{URL: b.URL(), CAFile: filepath.Join(t.TempDir(), "none.pem")}, quiet()); err == nil {
		t.Fatal("missing CA file accepted")
	}
}
