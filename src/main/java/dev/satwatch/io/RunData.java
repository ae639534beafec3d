package dev.satwatch.io;

import dev.satwatch.event.LossPoint;
import dev.satwatch.event.PlannedSchedule;
import dev.satwatch.event.RunEvent;
import dev.satwatch.event.RunFinished;
import dev.satwatch.event.RunMeta;
import dev.satwatch.event.RunStarted;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All events of one run, gathered for offline fitting: merged metadata and the loss points per
 * split, sorted by D2.
 *
 * @param runId the run
 * @param meta merged metadata: {@code run_started} first (earlier ones win), then fields given
 *     inline on loss events fill what is still absent (earlier ones win); {@link RunMeta#EMPTY} when
 *     nothing is known
 * @param pointsBySplit loss points per split, splits in first-seen order, each list sorted by D2
 *     (stable: equal D2 keep arrival order; duplicates kept); every D2 finite
 * @param finishStatus the last {@code run_finished} status ({@code "finished"} when it gave none);
 *     null while the run has not finished
 * @param schedule the planned LR schedule of the first {@code run_started} that gave one; null when none did
 */
public record RunData(
        String runId,
        RunMeta meta,
        Map<String, List<LossPoint>> pointsBySplit,
        String finishStatus,
        PlannedSchedule schedule) {

    /** Copies the map and lists, so a value is immutable. */
    public RunData {
        Map<String, List<LossPoint>> copy = new LinkedHashMap<>();
        pointsBySplit.forEach((split, points) -> copy.put(split, List.copyOf(points)));
        pointsBySplit = Collections.unmodifiableMap(copy);
    }

    /** A run without a planned schedule. */
    public RunData(String runId, RunMeta meta, Map<String, List<LossPoint>> pointsBySplit, String finishStatus) {
        this(runId, meta, pointsBySplit, finishStatus, null);
    }

    /**
     * Runs grouped from events, and what had to be dropped.
     *
     * @param runs the runs in first-seen order
     * @param problems one sentence per run and split whose points were dropped
     */
    public record Grouping(List<RunData> runs, List<String> problems) {
        /** Copies the lists, so a value is immutable. */
        public Grouping {
            runs = List.copyOf(runs);
            problems = List.copyOf(problems);
        }
    }

    /**
     * Groups events by run; see {@link #groupReporting(List)}, whose problems this drops.
     *
     * @param events events of any number of runs, in any order
     * @return the runs in first-seen order
     */
    public static List<RunData> group(List<RunEvent> events) {
        return groupReporting(events).runs();
    }

    /**
     * Groups events by run, in first-seen order. A loss point without D2 ({@code d2Tokens} NaN) gets
     * {@code step × tokensPerStep}, with tokens per step from its own inline metadata or else from the
     * run's merged metadata; when neither is known the point is dropped and counted in a problem.
     * Duplicate and out-of-order points are kept (sorted by D2); the fitter bins them. A run whose steps
     * repeat or whose tokens go backwards in arrival order gets a problem too: that is how several runs
     * merged under one id look.
     *
     * @param events events of any number of runs, in any order
     * @return the runs and the problems
     */
    public static Grouping groupReporting(List<RunEvent> events) {
        Map<String, Builder> runs = new LinkedHashMap<>();
        for (RunEvent e : events) {
            Builder b = runs.computeIfAbsent(e.runId(), Builder::new);
            if (e instanceof RunStarted s) {
                b.started = b.started.orElse(s.meta());
                if (b.schedule == null) {
                    b.schedule = s.schedule();
                }
            } else if (e instanceof LossPoint p) {
                b.inline = b.inline.orElse(p.meta());
                b.points.computeIfAbsent(p.split(), k -> new ArrayList<>()).add(p);
            } else if (e instanceof RunFinished f) {
                b.status = f.status() != null ? f.status() : "finished";
            }
        }
        List<RunData> out = new ArrayList<>(runs.size());
        List<String> problems = new ArrayList<>();
        for (Builder b : runs.values()) {
            out.add(b.build(problems));
        }
        return new Grouping(out, problems);
    }

    /**
     * The points of {@code preferredSplit} (empty if the run has none); for null, {@code val} if
     * present, else {@code train}, else the first split seen, else an empty list.
     */
    public List<LossPoint> points(String preferredSplit) {
        if (preferredSplit != null) {
            return pointsBySplit.getOrDefault(preferredSplit, List.of());
        }
        if (pointsBySplit.containsKey(LossPoint.VAL)) {
            return pointsBySplit.get(LossPoint.VAL);
        }
        if (pointsBySplit.containsKey(LossPoint.TRAIN)) {
            return pointsBySplit.get(LossPoint.TRAIN);
        }
        return pointsBySplit.isEmpty()
                ? List.of()
                : pointsBySplit.values().iterator().next();
    }

    /** Loss points over all splits. */
    public int pointCount() {
        return pointsBySplit.values().stream().mapToInt(List::size).sum();
    }

    private static final class Builder {
        final String runId;
        RunMeta started = RunMeta.EMPTY;
        RunMeta inline = RunMeta.EMPTY;
        final Map<String, List<LossPoint>> points = new LinkedHashMap<>();
        String status;
        PlannedSchedule schedule;

        Builder(String runId) {
            this.runId = runId;
        }

        RunData build(List<String> problems) {
            RunMeta meta = started.orElse(inline);
            Map<String, List<LossPoint>> resolved = new LinkedHashMap<>();
            for (Map.Entry<String, List<LossPoint>> split : points.entrySet()) {
                List<LossPoint> kept = new ArrayList<>(split.getValue().size());
                int dropped = 0;
                for (LossPoint p : split.getValue()) {
                    LossPoint r = resolve(p, meta);
                    if (r == null) {
                        dropped++;
                    } else {
                        kept.add(r);
                    }
                }
                if (dropped > 0) {
                    problems.add("run '" + runId + "', split '" + split.getKey() + "': " + dropped
                            + " loss point(s) without d2_tokens dropped: no tokens_per_step known (send d2_tokens,"
                            + " or tokens_per_step on run_started)");
                }
                String merged = mergeSigns(kept);
                if (merged != null) {
                    problems.add("run '" + runId + "', split '" + split.getKey() + "': " + merged
                            + ": several runs merged under one id? Give each run its own id (a run column, or"
                            + " several: --run-column a,b)");
                }
                kept.sort(Comparator.comparingDouble(LossPoint::d2Tokens));
                resolved.put(split.getKey(), kept);
            }
            return new RunData(runId, meta, resolved, status, schedule);
        }

        /**
         * What, in arrival order, says that points of several runs share this id: steps seen before, tokens
         * lower than the point before. Null when neither happens.
         */
        private static String mergeSigns(List<LossPoint> arrival) {
            java.util.Set<Long> steps = new java.util.HashSet<>();
            int repeated = 0;
            long firstRepeated = -1;
            int backwards = 0;
            double previous = Double.NEGATIVE_INFINITY;
            for (LossPoint p : arrival) {
                if (p.step() >= 0 && !steps.add(p.step())) {
                    repeated++;
                    firstRepeated = firstRepeated < 0 ? p.step() : firstRepeated;
                }
                if (p.d2Tokens() < previous) {
                    backwards++;
                }
                previous = p.d2Tokens();
            }
            List<String> signs = new ArrayList<>();
            if (repeated > 0) {
                signs.add(repeated + " point(s) repeat an earlier step (first: step " + firstRepeated + ")");
            }
            if (backwards > 0) {
                signs.add("tokens go backwards " + backwards + " time(s)");
            }
            return signs.isEmpty() ? null : String.join(" and ", signs);
        }

        /** The point with a finite D2, or null when it cannot be had. */
        private static LossPoint resolve(LossPoint p, RunMeta runMeta) {
            if (Double.isFinite(p.d2Tokens())) {
                return p;
            }
            if (!Double.isNaN(p.d2Tokens())) {
                return null; // infinite D2: only hand-built events can have it; never fit it
            }
            long tps = p.meta() != null && p.meta().tokensPerStep() > 0
                    ? p.meta().tokensPerStep()
                    : runMeta.tokensPerStep();
            if (tps <= 0 || p.step() < 0) {
                return null;
            }
            return new LossPoint(
                    p.runId(), p.ts(), p.step(), (double) p.step() * tps, p.loss(), p.split(), p.lr(), p.meta());
        }
    }
}
