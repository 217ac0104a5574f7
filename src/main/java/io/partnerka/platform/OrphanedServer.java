package io.partnerka.platform;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server a killed application left behind. The embedded server is a process of its own: a
 * {@code kill -9} of the JVM (the OOM killer, a container runtime) leaves it running on the data directory, and the
 * next start could not start another one there ("Gave up waiting for server to start" after a minute). Before the
 * embedded database starts, a live server named in {@code postmaster.pid} is shut down, provided no living
 * application holds the data directory (zonky's {@code epg-lock}, an OS file lock that dies with its process):
 * a fast shutdown, which keeps every committed transaction and only rolls back what was in flight.
 */
final class OrphanedServer {

    private static final Logger log = LoggerFactory.getLogger(OrphanedServer.class);
    static final String LOCK_FILE = "epg-lock"; // zonky's, held by the application that runs the server
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(60);

    private OrphanedServer() {
    }

    static void stopIfAny(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) return;
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.size() < 2) return;
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).strip());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) return; // a stale file: PostgreSQL itself sees the process is gone
        if (!sameDirectory(Path.of(lines.get(1).strip()), dataDir)) return;
        Optional<String> command = process.get().info().command();
        if (command.isPresent() && !isPostgres(command.get())) {
            // the number was given to another program since: the file is stale, but PostgreSQL would believe it
            log.warn("{} names pid {}, which is now {}, not PostgreSQL: removing the stale file", pidFile, pid, command.get());
            Files.deleteIfExists(pidFile);
            return;
        }
        requireNoLivingOwner(dataDir, pid);
        log.warn("PostgreSQL (pid {}) is still running on {}, left behind by an application that was killed; shutting it"
                + " down (fast: committed data is kept) before starting again", pid, dataDir);
        signalFastShutdown(process.get());
        try {
            process.get().onExit().get(SHUTDOWN_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new EmbeddedDatabaseException("PostgreSQL (pid " + pid + ") left running on " + dataDir + " by a killed"
                    + " application did not stop within " + SHUTDOWN_WAIT.toSeconds() + " s.",
                    "Stop it (kill -INT " + pid + "), then start the application again.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for PostgreSQL " + pid + " to stop", e);
        } catch (ExecutionException e) {
            throw new IOException(e);
        }
        log.info("The orphaned PostgreSQL (pid {}) has stopped", pid);
    }

    /** A living application holds zonky's lock on the directory: its server is in use, not orphaned. */
    private static void requireNoLivingOwner(Path dataDir, long pid) throws IOException {
        Path lockFile = dataDir.resolve(LOCK_FILE);
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held in this very JVM
            }
            if (lock == null) {
                throw new EmbeddedDatabaseException("The data directory " + dataDir + " is in use by another running"
                        + " Partnerka (its PostgreSQL is pid " + pid + ").",
                        "Stop the other instance first, or give this one its own PARTNERKA_DATA_DIR.");
            }
            lock.release();
        }
    }

    /** SIGINT is PostgreSQL's fast shutdown; where there is no kill command, the JDK's polite termination (smart). */
    private static void signalFastShutdown(ProcessHandle process) {
        try {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0) return;
        } catch (IOException e) {
            // no kill command (Windows)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy();
    }

    private static boolean isPostgres(String command) {
        String name = Path.of(command).getFileName().toString();
        return name.equals("postgres") || name.equals("postgres.exe");
    }

    private static boolean sameDirectory(Path recorded, Path dataDir) {
        try {
            return Files.isSameFile(recorded, dataDir);
        } catch (IOException e) {
            return recorded.toAbsolutePath().normalize().equals(dataDir);
        }
    }
}
