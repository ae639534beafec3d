package dev.satwatch.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared real-curve data (DESIGN §8): {@code ../shared/data/real-curves} from the repo root. */
final class RealCurves {

    private RealCurves() {}

    static Path dir() {
        Path beside = Path.of("..", "shared", "data", "real-curves");
        // A git worktree sits one level deeper than a clone; look one more level up before failing.
        Path worktree = Path.of("..", "..", "shared", "data", "real-curves");
        Path dir = Files.isDirectory(beside) ? beside : worktree;
        assertThat(dir).as("real curves (CI puts shared/ beside the clone)").isDirectory();
        return dir;
    }

    static Path file(String relative) {
        return dir().resolve(relative);
    }
}
