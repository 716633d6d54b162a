package csat_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	csat "github.com/csat/csat/clients/go"
)

// target is the address of the csat server TestMain started, such as "127.0.0.1:40123".
var target string

// TestMain runs every test of the package against one csat server: the binary CSAT_BIN names
// (run-tests.sh sets it), on a fresh SQLite file and a port the kernel picks, stopped with
// SIGTERM at the end, when it must exit 0.
func TestMain(m *testing.M) {
	os.Exit(runWithServer(m))
}

func runWithServer(m *testing.M) int {
	binary := os.Getenv("CSAT_BIN")
	if binary == "" {
		fmt.Fprintln(os.Stderr, "CSAT_BIN is not set: point it at a csat server binary "+
			"(cargo build, then CSAT_BIN=$PWD/target/debug/csat), or run clients/go/run-tests.sh")
		return 1
	}
	server, err := startServer(binary)
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting csat:", err)
		return 1
	}
	target = server.address

	code := m.Run()

	if err := server.stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping csat:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// csatServer is a csat process the tests started.
type csatServer struct {
	address  string
	command  *exec.Cmd
	dataDir  string
	logs     *logBuffer
	finished chan error
}

func startServer(binary string, extraArgs ...string) (*csatServer, error) {
	dataDir, err := os.MkdirTemp("", "csat-go-client-")
	if err != nil {
		return nil, err
	}
	logs := &logBuffer{}
	command := exec.Command(binary, "serve",
		"--listen", "127.0.0.1:0",
		"--database-url", "sqlite://"+filepath.Join(dataDir, "csat.db")+"?mode=rwc",
		"--log-format", "json",
	)
	command.Args = append(command.Args, extraArgs...)
	output, err := command.StdoutPipe()
	if err != nil {
		return nil, err
	}
	command.Stderr = command.Stdout // one pipe, read until the process exits
	if err := command.Start(); err != nil {
		return nil, err
	}
	server := &csatServer{command: command, dataDir: dataDir, logs: logs, finished: make(chan error, 1)}

	// The server logs the address it bound; read it from the "csat listening" line, and keep
	// draining the output so that the server never blocks on a full pipe.
	addresses := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(output)
		scanner.Buffer(make([]byte, 64*1024), 1024*1024)
		for scanner.Scan() {
			line := scanner.Text()
			logs.add(line)
			if address := listeningAddress(line); address != "" {
				select {
				case addresses <- address:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, output)
		server.finished <- command.Wait()
	}()

	select {
	case server.address = <-addresses:
	case err := <-server.finished:
		return nil, fmt.Errorf("csat exited before listening (%v); its output:\n%s", err, logs)
	case <-time.After(30 * time.Second):
		_ = command.Process.Kill()
		return nil, fmt.Errorf("csat did not log its address within 30 s; its output:\n%s", logs)
	}
	if err := waitServing(server.address, 60*time.Second); err != nil {
		_ = command.Process.Kill()
		return nil, fmt.Errorf("%w; its output:\n%s", err, logs)
	}
	return server, nil
}

// listeningAddress returns the address of a JSON "csat listening" log line, or "".
func listeningAddress(line string) string {
	var entry struct {
		Fields struct {
			Message string `json:"message"`
			Address string `json:"address"`
		} `json:"fields"`
	}
	if json.Unmarshal([]byte(line), &entry) != nil || entry.Fields.Message != "csat listening" {
		return ""
	}
	return entry.Fields.Address
}

// waitServing polls the health service until the whole server ("") is SERVING: the server
// listens before its database is migrated, and answers NOT_SERVING until then.
func waitServing(address string, timeout time.Duration) error {
	client, err := csat.Dial(address)
	if err != nil {
		return err
	}
	defer client.Close()
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		response, err := client.Health.Check(ctx, &healthpb.HealthCheckRequest{})
		cancel()
		if err == nil && response.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			return nil
		}
		last = fmt.Sprint(response.GetStatus(), " ", err)
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("csat at %s not SERVING after %s (last: %s)", address, timeout, last)
}

// stop sends SIGTERM and waits for a clean exit (code 0), then removes the data.
func (s *csatServer) stop() error {
	defer os.RemoveAll(s.dataDir)
	if err := s.command.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case err := <-s.finished:
		if err != nil {
			return fmt.Errorf("csat exited with %v after SIGTERM; its output:\n%s", err, s.logs)
		}
		return nil
	case <-time.After(30 * time.Second):
		_ = s.command.Process.Kill()
		return errors.New("csat still running 30 s after SIGTERM; killed")
	}
}

// logBuffer keeps the server's output, to show when something fails.
type logBuffer struct {
	mu    sync.Mutex
	lines []string
}

func (b *logBuffer) add(line string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lines = append(b.lines, line)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.lines, "\n")
}

// dial returns a client of the test server, closed when the test ends.
func dial(t *testing.T) *csat.Client {
	t.Helper()
	client, err := csat.Dial(target)
	if err != nil {
		t.Fatalf("Dial(%q): %v", target, err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return client
}

// testContext returns a context that ends with the test, or after 30 s.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
