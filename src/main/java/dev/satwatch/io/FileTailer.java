package dev.satwatch.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Follows a growing text file like {@code tail -F}: each {@link #poll} returns the complete lines appended since
 * the last call, waiting (on file-system change notifications, with a timeout) when there are none. A line is
 * returned only once its terminating newline has been written, so a line being written is never cut in two. The
 * file may not exist yet (it is waited for), may be truncated or replaced (reading restarts from its beginning,
 * and {@link #restarted()} tells the caller to reset its decoder). Not thread-safe; close it to release the watch.
 */
public final class FileTailer implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;

    private final Path file;
    private final WatchService watch;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
    private long position;
    private Object fileKey;
    private boolean restarted;
    private boolean skipToEnd;

    /**
     * @param file the file to follow
     * @param fromEnd start at the current end of the file (only lines appended later are returned); the first line
     *     (a CSV header) can still be read with {@link #firstLine()}
     * @throws IOException if the folder cannot be watched
     */
    public FileTailer(Path file, boolean fromEnd) throws IOException {
        this.file = file.toAbsolutePath();
        this.watch = FileSystems.getDefault().newWatchService();
        Path dir = this.file.getParent();
        dir.register(
                watch,
                StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        this.skipToEnd = fromEnd;
    }

    /** The file's first line (e.g. a CSV header), or null when the file is missing or has no complete line yet. */
    public String firstLine() throws IOException {
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return reader.readLine();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * The complete lines appended since the last call; waits up to {@code maxWait} for some to arrive.
     *
     * @return the new lines without terminators (possibly none)
     * @throws InterruptedException if interrupted while waiting
     */
    public List<String> poll(Duration maxWait) throws IOException, InterruptedException {
        List<String> lines = readAvailable();
        if (!lines.isEmpty()) {
            return lines;
        }
        try {
            var key = watch.poll(maxWait.toMillis(), TimeUnit.MILLISECONDS);
            if (key != null) {
                key.pollEvents();
                key.reset();
            }
        } catch (ClosedWatchServiceException e) {
            return List.of();
        }
        return readAvailable();
    }

    /** Whether the last poll found the file truncated or replaced and started again from its beginning. */
    public boolean restarted() {
        return restarted;
    }

    /** Bytes of the file consumed so far. */
    public long position() {
        return position;
    }

    private List<String> readAvailable() throws IOException {
        restarted = false;
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Object key = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class)
                    .fileKey();
            long size = channel.size();
            if (skipToEnd) {
                skipToEnd = false;
                position = size;
                fileKey = key;
                return lines;
            }
            if ((fileKey != null && key != null && !fileKey.equals(key)) || size < position) {
                // Replaced (log rotation) or truncated: start again from the beginning of the new content.
                position = 0;
                partial.reset();
                restarted = true;
            }
            fileKey = key;
            channel.position(position);
            for (int n = channel.read(buffer); n > 0; n = channel.read(buffer)) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == '\n') {
                        lines.add(stripCr(partial.toString(StandardCharsets.UTF_8)));
                        partial.reset();
                    } else {
                        partial.write(b);
                    }
                }
                buffer.clear();
                position += n;
            }
        } catch (NoSuchFileException e) {
            return lines;
        }
        return lines;
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    @Override
    public void close() throws IOException {
        watch.close();
    }
}
