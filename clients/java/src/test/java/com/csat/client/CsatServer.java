package com.csat.client;

import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The real csat binary, started on a temporary SQLite file and a free port, ready once health
 * answers SERVING; {@link #close()} stops it with SIGTERM and requires exit code 0.
 *
 * <p>The binary is the system property {@code csat.bin} (run-tests.sh sets it), else the environment
 * variable {@code CSAT_BIN}, else {@code ../../target/debug/csat} (a cargo build of this
 * repository). With none of them, the tests are skipped, except under {@code CI=true}, where they
 * fail.
 */
final class CsatServer implements AutoCloseable {
    private static final long START_TIMEOUT_MILLIS = 30_000;

    private final Process process;
    private final Path directory;
    private final Path log;
    private final String target;

    private CsatServer(Process process, Path directory, Path log, String target) {
        this.process = process;
        this.directory = directory;
        this.log = log;
        this.target = target;
    }

    /** Starts the server (with {@code extraArgs}) and waits until it is SERVING. */
    static CsatServer start(String... extraArgs) throws IOException, InterruptedException {
        Path binary = locateBinary();
        Path directory = Files.createTempDirectory("csat-java-test");
        Path log = directory.resolve("csat.log");
        int port = freePort();
        String target = "127.0.0.1:" + port;
        List<String> command =
                new ArrayList<>(
                        List.of(
                                binary.toString(),
                                "serve",
                                "--listen",
                                target,
                                "--database-url",
                                "sqlite://" + directory.resolve("csat.db") + "?mode=rwc"));
        command.addAll(List.of(extraArgs));
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        builder.environment().put("NO_COLOR", "1");
        CsatServer server = new CsatServer(builder.start(), directory, log, target);
        try {
            server.awaitServing();
        } catch (RuntimeException | Error | InterruptedException e) {
            server.process.destroyForcibly();
            throw e;
        }
        return server;
    }

    /** Returns {@code 127.0.0.1:PORT}. */
    String target() {
        return target;
    }

    /** Returns a plaintext client of this server. */
    CsatClient client() {
        return CsatClient.builder().target(target).token("java-test-token").plaintext().build();
    }

    private void awaitServing() throws InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        try (CsatClient client = client()) {
            while (true) {
                if (!process.isAlive()) {
                    fail("csat exited with code " + process.exitValue() + " before serving:\n" + logText());
                }
                try {
                    HealthCheckResponse response =
                            client.health()
                                    .withDeadlineAfter(1, TimeUnit.SECONDS)
                                    .check(HealthCheckRequest.newBuilder().setService("").build());
                    if (response.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
                        return;
                    }
                } catch (StatusRuntimeException notYet) {
                    // Not listening yet, or migrations still running.
                }
                if (System.currentTimeMillis() > deadline) {
                    fail("csat was not SERVING within " + START_TIMEOUT_MILLIS + " ms:\n" + logText());
                }
                Thread.sleep(100);
            }
        }
    }

    /** Sends SIGTERM, waits for the exit and requires code 0; removes the temporary files. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            process.destroy(); // SIGTERM on Unix
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("csat did not stop within 20 s of SIGTERM:\n" + logText());
            }
            if (process.exitValue() != 0) {
                fail("csat exited with code " + process.exitValue() + " on SIGTERM:\n" + logText());
            }
        } finally {
            deleteRecursively(directory);
        }
    }

    String logText() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static Path locateBinary() {
        String configured = System.getProperty("csat.bin", "");
        if (configured.isEmpty()) {
            configured = System.getenv().getOrDefault("CSAT_BIN", "");
        }
        if (configured.isEmpty()) {
            Path built = Path.of("..", "..", "target", "debug", "csat");
            if (Files.isExecutable(built)) {
                configured = built.toString();
            }
        }
        if (configured.isEmpty()) {
            String why = "no csat binary: set -Dcsat.bin=PATH or CSAT_BIN (run-tests.sh PATH does)";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        Path binary = Path.of(configured).toAbsolutePath();
        if (!Files.isExecutable(binary)) {
            fail("the csat binary " + binary + " is not an executable file");
        }
        return binary;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
