package dev.satwatch.io;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satwatch.event.LossPoint;
import dev.satwatch.event.RunMeta;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * TensorBoard logdirs for tests, written by the independent writer {@code scripts/write-tfevents.py} (Python's
 * protobuf runtime, Debian's protoc, CRC32C from the spec), together with the loss points a correct reader makes of
 * them. Runs imitate what the trainers log: one event per tag as {@code torch.utils.tensorboard} writes them, in
 * their order (HF logs loss, grad norm, learning rate, epoch, then tokens seen).
 */
public final class TensorBoardFixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Tokens per step given for the runs that log no token count (Megatron, Lightning styles). */
    public static final long TOKENS_PER_STEP = 8192;

    /** Tokens per step of the HF-style run, which logs them itself (different from the flag, so a mix-up shows). */
    static final long HF_TOKENS_PER_STEP = 4096;

    private TensorBoardFixtures() {}

    /**
     * One scalar of an event.
     *
     * @param as how it is encoded: simple, float_val, double_val, float_content, double_content or vector (see the
     *     script)
     */
    public record Scalar(String tag, double value, String as) {}

    /**
     * One event record and the loss point it should yield (null for none).
     *
     * @param corrupt null, "data" or "length"
     * @param torn bytes of the frame to write (null: all)
     * @param restFrom write the frame from this byte on (null: all)
     */
    public record Rec(
            long step,
            double wallTime,
            List<Scalar> scalars,
            LossPoint yields,
            String corrupt,
            Integer torn,
            Integer restFrom) {

        Rec(long step, double wallTime, List<Scalar> scalars, LossPoint yields) {
            this(step, wallTime, scalars, yields, null, null, null);
        }

        /** This record with its data or length CRC broken: its point is lost. */
        public Rec corrupted(String how) {
            return new Rec(step, wallTime, scalars, null, how, null, null);
        }

        /** The first {@code bytes} of this record's frame; its point comes with the rest. */
        public Rec torn(int bytes) {
            return new Rec(step, wallTime, scalars, null, null, bytes, null);
        }

        /** The rest of this record's frame from {@code bytes} on. */
        public Rec restFrom(int bytes) {
            return new Rec(step, wallTime, scalars, yields, null, null, bytes);
        }

        Map<String, Object> spec() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", step);
            m.put("wall_time", wallTime);
            List<Map<String, Object>> values = new ArrayList<>();
            for (Scalar s : scalars) {
                values.add(Map.of("tag", s.tag(), "value", s.value(), "as", s.as()));
            }
            m.put("scalars", values);
            if (corrupt != null) {
                m.put("corrupt", corrupt);
            }
            if (torn != null) {
                m.put("torn", torn);
            }
            if (restFrom != null) {
                m.put("rest_from", restFrom);
            }
            return m;
        }
    }

    /** A run's records, in file order. */
    public record Run(String id, List<Rec> records) {

        /** The loss points a reader should make of these records, in file order. */
        public List<LossPoint> expected() {
            return records.stream().map(Rec::yields).filter(p -> p != null).toList();
        }

        /** This run with record {@code index} replaced. */
        public Run with(int index, Rec rec) {
            List<Rec> copy = new ArrayList<>(records);
            copy.set(index, rec);
            return new Run(id, copy);
        }

        /** The index of the record with {@code tag} at {@code step}. */
        public int indexOf(long step, String tag) {
            for (int i = 0; i < records.size(); i++) {
                Rec r = records.get(i);
                if (r.step() == step
                        && r.scalars().stream().anyMatch(s -> s.tag().equals(tag))) {
                    return i;
                }
            }
            throw new IllegalArgumentException("no " + tag + " at step " + step);
        }
    }

    /** What the script wrote to one file: the frame offsets, in order. */
    public record Written(Path path, long size, List<Long> offsets) {}

    /** Skips the test, saying why, unless python3 with protobuf and protoc are here (CI installs them). */
    public static void assumeWriterAvailable() {
        assumeTrue(
                run(List.of(python(), "-c", "import google.protobuf"), "") == 0,
                python() + " with google.protobuf (Debian python3-protobuf) is needed to write the fixtures;"
                        + " scripts/test installs it");
        assumeTrue(
                run(List.of("protoc", "--version"), "") == 0,
                "protoc (Debian protobuf-compiler) is needed to write the fixtures; scripts/test installs it");
    }

    /**
     * Writes {@code records} to {@code file} (appending when asked) with the independent writer.
     *
     * @return where each frame starts
     */
    public static Written write(Path file, boolean append, List<Rec> records) throws IOException {
        List<Object> recs = new ArrayList<>();
        if (!append) {
            recs.add(Map.of("file_version", "brain.Event:2", "wall_time", 1.7e9));
        }
        records.forEach(r -> recs.add(r.spec()));
        Map<String, Object> spec = Map.of("path", file.toString(), "append", append, "records", recs);
        Path in = Files.createTempFile("tfevents-spec", ".json");
        Path out = Files.createTempFile("tfevents-written", ".json");
        try {
            JSON.writeValue(in.toFile(), List.of(spec));
            ProcessBuilder pb = new ProcessBuilder(python(), "-B", "scripts/write-tfevents.py")
                    .redirectInput(in.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("scripts/write-tfevents.py failed for " + file);
            }
            JsonNode written =
                    JSON.readTree(Files.readString(out, StandardCharsets.UTF_8)).get(0);
            List<Long> offsets = new ArrayList<>();
            written.get("records").forEach(r -> offsets.add(r.get("offset").asLong()));
            if (!append) {
                offsets.remove(0); // the file_version record
            }
            return new Written(file, written.get("size").asLong(), offsets);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
        }
    }

    /** A loss curve L = 2 + 8·(D/1e6)^-0.3 with seeded noise (sd 0.005), as float32 like TensorBoard stores it. */
    static double loss(double tokens, Random noise) {
        return 2.0 + 8.0 * Math.pow(tokens / 1e6, -0.3) + 0.005 * noise.nextGaussian();
    }

    /**
     * Linear warmup over 50 steps to 3e-4, then constant (the stable phase of a WSD schedule: a decaying LR would
     * make the fitter leave the points out as anneal points).
     */
    static double lr(long step) {
        return 3e-4 * Math.min(1.0, step / 50.0);
    }

    static double f32(double v) {
        return (float) v;
    }

    /**
     * A Hugging Face Trainer run (TensorBoardCallback): every 10 steps train/loss, train/grad_norm,
     * train/learning_rate, train/epoch, train/num_input_tokens_seen; every 50 steps eval/loss, eval/runtime,
     * train/num_input_tokens_seen; all simple_value (float32).
     */
    public static Run hf(String id, long steps, long seed) {
        Random noise = new Random(seed);
        List<Rec> recs = new ArrayList<>();
        for (long s = 10; s <= steps; s += 10) {
            double t = 1.7e9 + s;
            double tokens = f32((double) s * HF_TOKENS_PER_STEP);
            double lr = f32(lr(s));
            double loss = f32(loss(tokens, noise));
            recs.add(new Rec(
                    s,
                    t,
                    List.of(new Scalar("train/loss", loss, "simple")),
                    new LossPoint(id, null, s, tokens, loss, LossPoint.TRAIN, lr, RunMeta.EMPTY)));
            recs.add(new Rec(s, t, List.of(new Scalar("train/grad_norm", 1.5, "simple")), null));
            recs.add(new Rec(s, t, List.of(new Scalar("train/learning_rate", lr, "simple")), null));
            recs.add(new Rec(s, t, List.of(new Scalar("train/epoch", s / (double) steps, "simple")), null));
            recs.add(new Rec(s, t, List.of(new Scalar("train/num_input_tokens_seen", tokens, "simple")), null));
            if (s % 50 == 0) {
                double val = f32(loss(tokens, noise) + 0.05);
                recs.add(new Rec(
                        s,
                        t + 0.5,
                        List.of(new Scalar("eval/loss", val, "simple")),
                        new LossPoint(id, null, s, tokens, val, LossPoint.VAL, lr, RunMeta.EMPTY)));
                recs.add(new Rec(s, t + 0.5, List.of(new Scalar("eval/runtime", 12.5, "simple")), null));
                recs.add(new Rec(
                        s, t + 0.5, List.of(new Scalar("train/num_input_tokens_seen", tokens, "simple")), null));
            }
        }
        return new Run(id, recs);
    }

    /**
     * A Megatron-LM run as a TF2-style writer would log it: learning-rate (simple_value), then lm loss as a rank-0
     * DT_FLOAT tensor in tensor_content, a non-scalar grad-norm histogram-like tensor (skipped), and every 50 steps
     * lm loss validation as a DT_DOUBLE tensor in double_val. No token count: D2 = step × tokens per step.
     */
    public static Run megatron(String id, long steps, long seed) {
        Random noise = new Random(seed);
        List<Rec> recs = new ArrayList<>();
        for (long s = 10; s <= steps; s += 10) {
            double t = 1.7e9 + s;
            double tokens = (double) s * TOKENS_PER_STEP;
            double lr = f32(lr(s));
            double loss = f32(loss(tokens, noise));
            recs.add(new Rec(s, t, List.of(new Scalar("learning-rate", lr, "simple")), null));
            recs.add(new Rec(
                    s,
                    t,
                    List.of(new Scalar("lm loss", loss, "float_content")),
                    new LossPoint(id, null, s, tokens, loss, LossPoint.TRAIN, lr, RunMeta.EMPTY)));
            recs.add(new Rec(s, t, List.of(new Scalar("grad-norm", 0.7, "vector")), null));
            if (s % 50 == 0) {
                double val = loss(tokens, noise) + 0.05; // a double: no float32 rounding
                recs.add(new Rec(
                        s,
                        t + 0.5,
                        List.of(new Scalar("lm loss validation", val, "double_val")),
                        new LossPoint(id, null, s, tokens, val, LossPoint.VAL, lr, RunMeta.EMPTY)));
            }
        }
        return new Run(id, recs);
    }

    /**
     * A PyTorch Lightning run: train_loss (DT_FLOAT float_val, as torch's new_style scalars) and lr-AdamW in one
     * event every 10 steps; every 50 steps val_loss as a DT_DOUBLE tensor in tensor_content. No token count.
     */
    public static Run lightning(String id, long steps, long seed) {
        Random noise = new Random(seed);
        List<Rec> recs = new ArrayList<>();
        for (long s = 10; s <= steps; s += 10) {
            double t = 1.7e9 + s;
            double tokens = (double) s * TOKENS_PER_STEP;
            double lr = f32(lr(s));
            double loss = f32(loss(tokens, noise));
            recs.add(new Rec(
                    s,
                    t,
                    List.of(new Scalar("train_loss", loss, "float_val"), new Scalar("lr-AdamW", lr, "simple")),
                    new LossPoint(id, null, s, tokens, loss, LossPoint.TRAIN, lr, RunMeta.EMPTY)));
            if (s % 50 == 0) {
                double val = loss(tokens, noise) + 0.05;
                recs.add(new Rec(
                        s,
                        t + 0.5,
                        List.of(new Scalar("val_loss", val, "double_content")),
                        new LossPoint(id, null, s, tokens, val, LossPoint.VAL, lr, RunMeta.EMPTY)));
            }
        }
        return new Run(id, recs);
    }

    /** A comparable text of a point, without its timestamp: run, split, step, D2, loss, lr. */
    public static String key(LossPoint p) {
        return p.runId() + " " + p.split() + " " + p.step() + " " + p.d2Tokens() + " " + p.loss() + " " + p.lr();
    }

    /** python3 from Debian when there (its python3-protobuf), else the first on the PATH. */
    static String python() {
        Path debian = Path.of("/usr/bin/python3");
        return Files.isExecutable(debian) ? debian.toString() : "python3";
    }

    private static int run(List<String> command, String stdin) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
