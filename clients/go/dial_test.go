package csat_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	csat "github.com/csat/csat/clients/go"
	csatv1 "github.com/csat/csat/clients/go/gen/csat/v1"
)

// The tests here run Dial against small in-process servers, which can see what the client
// sends: the csat binary has no authentication, TLS or faults to inject.

// fakeServer serves health and a SurveyService that fails its first calls with UNAVAILABLE,
// and records the authorization header and the number of attempts of each method.
type fakeServer struct {
	csatv1.UnimplementedSurveyServiceServer

	mu            sync.Mutex
	failures      int // UNAVAILABLE answers still to give
	attempts      map[string]int
	authorization []string
}

func (f *fakeServer) record(ctx context.Context, method string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts[method]++
	incoming, _ := metadata.FromIncomingContext(ctx)
	f.authorization = append(f.authorization, incoming.Get("authorization")...)
	if f.failures > 0 {
		f.failures--
		return status.Error(codes.Unavailable, "database out of reach")
	}
	return nil
}

func (f *fakeServer) GetSurvey(ctx context.Context, request *csatv1.GetSurveyRequest) (*csatv1.GetSurveyResponse, error) {
	if err := f.record(ctx, "GetSurvey"); err != nil {
		return nil, err
	}
	return &csatv1.GetSurveyResponse{Survey: &csatv1.Survey{SurveyId: request.GetSurveyId()}}, nil
}

func (f *fakeServer) CreateSurvey(ctx context.Context, request *csatv1.CreateSurveyRequest) (*csatv1.CreateSurveyResponse, error) {
	if err := f.record(ctx, "CreateSurvey"); err != nil {
		return nil, err
	}
	return &csatv1.CreateSurveyResponse{Survey: &csatv1.Survey{SurveyId: request.GetSurveyId()}}, nil
}

func (f *fakeServer) authorizationHeaders() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.authorization...)
}

func (f *fakeServer) attemptsOf(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempts[method]
}

// startFake serves a fakeServer on a loopback port, with TLS when cert is not nil.
func startFake(t *testing.T, failures int, cert *tls.Certificate) (*fakeServer, string) {
	t.Helper()
	fake := &fakeServer{failures: failures, attempts: map[string]int{}}
	var serverOptions []grpc.ServerOption
	if cert != nil {
		serverOptions = append(serverOptions, grpc.Creds(credentials.NewServerTLSFromCert(cert)))
	}
	server := grpc.NewServer(serverOptions...)
	csatv1.RegisterSurveyServiceServer(server, fake)
	healthpb.RegisterHealthServer(server, health.NewServer())
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = server.Serve(listener) }()
	t.Cleanup(server.Stop)
	return fake, listener.Addr().String()
}

func dialFake(t *testing.T, address string, options ...csat.Option) *csat.Client {
	t.Helper()
	client, err := csat.Dial(address, options...)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return client
}

func TestTokenIsSentAsBearerToALoopbackServer(t *testing.T) {
	fake, address := startFake(t, 0, nil)
	client := dialFake(t, address, csat.WithToken("s3cret"))

	_, err := client.Surveys.GetSurvey(testContext(t), &csatv1.GetSurveyRequest{SurveyId: "any"})

	if err != nil {
		t.Fatalf("GetSurvey: %v", err)
	}
	if headers := fake.authorizationHeaders(); len(headers) != 1 || headers[0] != "Bearer s3cret" {
		t.Errorf("authorization headers %q, want [\"Bearer s3cret\"]", headers)
	}
}

func TestTLSWithACAFileReachesTheServerAndSendsTheToken(t *testing.T) {
	cert, caFile := selfSignedCertificate(t)
	fake, address := startFake(t, 0, &cert)
	// "localhost" alone would be plaintext; WithTLS asks for TLS, verified against caFile.
	_, port, _ := net.SplitHostPort(address)
	client := dialFake(t, "localhost:"+port, csat.WithTLS(caFile), csat.WithToken("s3cret"))

	_, err := client.Surveys.GetSurvey(testContext(t), &csatv1.GetSurveyRequest{SurveyId: "any"})

	if err != nil {
		t.Fatalf("GetSurvey over TLS: %v", err)
	}
	if headers := fake.authorizationHeaders(); len(headers) != 1 || headers[0] != "Bearer s3cret" {
		t.Errorf("authorization headers %q, want [\"Bearer s3cret\"]", headers)
	}
}

func TestTLSRefusesAServerTheCADidNotSign(t *testing.T) {
	cert, _ := selfSignedCertificate(t)
	_, otherCAFile := selfSignedCertificate(t)
	_, address := startFake(t, 0, &cert)
	_, port, _ := net.SplitHostPort(address)
	client := dialFake(t, "localhost:"+port, csat.WithTLS(otherCAFile))

	_, err := client.Surveys.GetSurvey(testContext(t), &csatv1.GetSurveyRequest{SurveyId: "any"})

	if status.Code(err) != codes.Unavailable {
		t.Errorf("GetSurvey from a server of another CA: %v, want UNAVAILABLE", err)
	}
}

func TestDefaultServiceConfigRetriesUnavailableOnIdempotentMethods(t *testing.T) {
	fake, address := startFake(t, 2, nil)
	client := dialFake(t, address)

	response, err := client.Surveys.GetSurvey(testContext(t), &csatv1.GetSurveyRequest{SurveyId: "retried"})

	if err != nil {
		t.Fatalf("GetSurvey after two UNAVAILABLE: %v, want it retried to success", err)
	}
	if response.GetSurvey().GetSurveyId() != "retried" || fake.attemptsOf("GetSurvey") != 3 {
		t.Errorf("survey %q after %d attempts, want \"retried\" after 3", response.GetSurvey().GetSurveyId(), fake.attemptsOf("GetSurvey"))
	}
}

func TestDefaultServiceConfigDoesNotRetryCreateSurvey(t *testing.T) {
	fake, address := startFake(t, 1, nil)
	client := dialFake(t, address)

	_, err := client.Surveys.CreateSurvey(testContext(t), &csatv1.CreateSurveyRequest{SurveyId: "once"})

	if status.Code(err) != codes.Unavailable || fake.attemptsOf("CreateSurvey") != 1 {
		t.Errorf("CreateSurvey: %v after %d attempts, want UNAVAILABLE after 1", err, fake.attemptsOf("CreateSurvey"))
	}
}

func TestServiceConfigCanTurnRetriesOff(t *testing.T) {
	fake, address := startFake(t, 1, nil)
	client := dialFake(t, address, csat.WithServiceConfig(`{}`))

	_, err := client.Surveys.GetSurvey(testContext(t), &csatv1.GetSurveyRequest{SurveyId: "once"})

	if status.Code(err) != codes.Unavailable || fake.attemptsOf("GetSurvey") != 1 {
		t.Errorf("GetSurvey: %v after %d attempts, want UNAVAILABLE after 1", err, fake.attemptsOf("GetSurvey"))
	}
}

// selfSignedCertificate returns a certificate for localhost and 127.0.0.1 that signs itself,
// and the path of a PEM file holding it, to trust as a CA.
func selfSignedCertificate(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "csat test CA"},
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, caFile
}
