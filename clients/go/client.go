// Package csat is the Go client of the csat service: the generated gRPC clients of package
// csatv1 (github.com/csat/csat/clients/go/gen/csat/v1), a Dial helper that sets up token,
// TLS and the default retry policy, and helpers that decode the error details csat sends.
//
// The import path ends in "go", which cannot name a package: import it as
//
//	csat "github.com/csat/csat/clients/go"
package csat

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	_ "embed" // the default service config
	"fmt"
	"net"
	"os"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	csatv1 "github.com/csat/csat/clients/go/gen/csat/v1"
)

// Version is the version of this client, equal to the csat server's it was generated for.
const Version = "0.1.0"

// DefaultServiceConfig is the gRPC service config Dial applies unless WithServiceConfig
// replaces it: UNAVAILABLE is retried, with exponential backoff, on the methods that are safe to
// repeat (those without side effects, DeleteBenchmark, ExcludeRating and RestoreRating, and the
// submits, whose rating ids make a repeat a duplicate rather than a second rating).
//
//go:embed retry-service-config.json
var DefaultServiceConfig string

// Client holds one connection to csat and a client per service on it. Its fields are safe for
// concurrent use; Close it when done.
type Client struct {
	Surveys     csatv1.SurveyServiceClient
	Ratings     csatv1.RatingServiceClient
	Reports     csatv1.ReportServiceClient
	Benchmarks  csatv1.BenchmarkServiceClient
	Customers   csatv1.CustomerServiceClient
	FollowUps   csatv1.FollowUpServiceClient
	Invitations csatv1.InvitationServiceClient
	Health      healthpb.HealthClient

	conn *grpc.ClientConn
}

// Conn returns the underlying connection, for other clients on the same server.
func (c *Client) Conn() *grpc.ClientConn { return c.conn }

// Close closes the connection; calls in flight end with CANCELED.
func (c *Client) Close() error { return c.conn.Close() }

// transport says how Dial secures the connection.
type transport int

const (
	// transportAuto is TLS with the system's roots, except plaintext to a loopback address or a
	// Unix socket.
	transportAuto transport = iota
	transportTLS
	transportInsecure
)

type options struct {
	token         string
	transport     transport
	caFile        string
	certFile      string
	keyFile       string
	tlsConfig     *tls.Config
	serviceConfig string
	dialOptions   []grpc.DialOption
}

// Option configures Dial.
type Option func(*options)

// WithToken sends `authorization: Bearer <token>` with every call. It goes in plaintext only
// where Dial chose plaintext: to a loopback address or a Unix socket, or after WithInsecure.
func WithToken(token string) Option {
	return func(o *options) { o.token = token }
}

// WithTLS connects over TLS, trusting the PEM certificates in caFile, or the system's roots
// when caFile is empty. Without WithTLS or WithInsecure, Dial uses TLS with the system's roots
// for any address but a loopback one or a Unix socket.
func WithTLS(caFile string) Option {
	return func(o *options) {
		o.transport = transportTLS
		o.caFile = caFile
		o.tlsConfig = nil
	}
}

// WithClientCertificate presents the PEM certificate and key in certFile and keyFile (mutual
// TLS, for a server started with --tls-client-ca, which takes the certificate's subject as the
// caller's principal). It implies TLS; combine it with WithTLS to trust a private CA.
func WithClientCertificate(certFile, keyFile string) Option {
	return func(o *options) {
		o.transport = transportTLS
		o.certFile = certFile
		o.keyFile = keyFile
		o.tlsConfig = nil
	}
}

// WithTLSConfig connects over TLS with config, for client certificates or a server name other
// than the target's host.
func WithTLSConfig(config *tls.Config) Option {
	return func(o *options) {
		o.transport = transportTLS
		o.caFile = ""
		o.tlsConfig = config
	}
}

// WithInsecure connects in plaintext whatever the address, for example inside a cluster whose
// network already encrypts; WithToken's token is then sent in plaintext too.
func WithInsecure() Option {
	return func(o *options) { o.transport = transportInsecure }
}

// WithServiceConfig replaces DefaultServiceConfig with serviceConfig (gRPC service config JSON);
// `{}` turns retries off.
func WithServiceConfig(serviceConfig string) Option {
	return func(o *options) { o.serviceConfig = serviceConfig }
}

// WithDialOptions adds gRPC dial options, applied after Dial's own: interceptors, message size
// limits, keepalive.
func WithDialOptions(dialOptions ...grpc.DialOption) Option {
	return func(o *options) { o.dialOptions = append(o.dialOptions, dialOptions...) }
}

// Dial returns a Client for the csat server at target, a gRPC target such as "localhost:50051",
// "csat.example.com:443" or "dns:///csat.internal:50051". Like grpc.NewClient it does not
// connect: the first call does, and waits for the connection within its own deadline.
func Dial(target string, opts ...Option) (*Client, error) {
	o := options{serviceConfig: DefaultServiceConfig}
	for _, opt := range opts {
		opt(&o)
	}

	secure := o.transport == transportTLS || (o.transport == transportAuto && !isLocal(target))
	dialOptions := []grpc.DialOption{
		grpc.WithDefaultServiceConfig(o.serviceConfig),
		grpc.WithUserAgent("csat-go/" + Version),
	}
	if secure {
		config, err := o.clientTLSConfig()
		if err != nil {
			return nil, err
		}
		dialOptions = append(dialOptions, grpc.WithTransportCredentials(credentials.NewTLS(config)))
	} else {
		dialOptions = append(dialOptions, grpc.WithTransportCredentials(insecure.NewCredentials()))
	}
	if o.token != "" {
		dialOptions = append(dialOptions, grpc.WithPerRPCCredentials(bearerToken{token: o.token, requireTLS: secure}))
	}
	dialOptions = append(dialOptions, o.dialOptions...)

	conn, err := grpc.NewClient(target, dialOptions...)
	if err != nil {
		return nil, fmt.Errorf("csat: dial %s: %w", target, err)
	}
	return &Client{
		Surveys:     csatv1.NewSurveyServiceClient(conn),
		Ratings:     csatv1.NewRatingServiceClient(conn),
		Reports:     csatv1.NewReportServiceClient(conn),
		Benchmarks:  csatv1.NewBenchmarkServiceClient(conn),
		Customers:   csatv1.NewCustomerServiceClient(conn),
		FollowUps:   csatv1.NewFollowUpServiceClient(conn),
		Invitations: csatv1.NewInvitationServiceClient(conn),
		Health:      healthpb.NewHealthClient(conn),
		conn:        conn,
	}, nil
}

func (o *options) clientTLSConfig() (*tls.Config, error) {
	if o.tlsConfig != nil {
		return o.tlsConfig.Clone(), nil
	}
	config := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.certFile != "" {
		certificate, err := tls.LoadX509KeyPair(o.certFile, o.keyFile)
		if err != nil {
			return nil, fmt.Errorf("csat: client certificate: %w", err)
		}
		config.Certificates = []tls.Certificate{certificate}
	}
	if o.caFile == "" {
		return config, nil // nil RootCAs: the system's roots
	}
	pem, err := os.ReadFile(o.caFile)
	if err != nil {
		return nil, fmt.Errorf("csat: read CA file: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("csat: CA file %s holds no PEM certificate", o.caFile)
	}
	config.RootCAs = roots
	return config, nil
}

// isLocal reports whether target names a Unix socket or a loopback address ("localhost",
// 127.0.0.0/8, ::1), with or without a resolver scheme such as "dns:///" or "passthrough:///".
func isLocal(target string) bool {
	if strings.HasPrefix(target, "unix:") || strings.HasPrefix(target, "unix-abstract:") {
		return true
	}
	endpoint := target
	if scheme, rest, found := strings.Cut(target, "://"); found && !strings.Contains(scheme, "/") {
		// scheme://authority/endpoint: the endpoint is what follows the authority.
		if _, afterAuthority, hasPath := strings.Cut(rest, "/"); hasPath {
			endpoint = afterAuthority
		} else {
			endpoint = rest
		}
	}
	host, _, err := net.SplitHostPort(endpoint)
	if err != nil {
		host = strings.Trim(endpoint, "[]") // no port
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// bearerToken sends a token as `authorization: Bearer …` on every call; with requireTLS, gRPC
// refuses to send it over a connection without TLS.
type bearerToken struct {
	token      string
	requireTLS bool
}

func (b bearerToken) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + b.token}, nil
}

func (b bearerToken) RequireTransportSecurity() bool { return b.requireTLS }
