package dev.satwatch.http;

/**
 * Counts of the HTTP layer that go to metrics ({@code satwatch.ingest.events}). {@link #NONE} ignores them.
 * Implementations must be thread-safe.
 */
public interface HttpCounters {

    /** Counts nothing. */
    HttpCounters NONE = new HttpCounters() {
        @Override
        public void ingested(int published, int rejected) {}
    };

    /**
     * Records one ingest request's lines.
     *
     * @param published valid lines published with their run id
     * @param rejected invalid lines (published keyed null for the dead-letter topic)
     */
    void ingested(int published, int rejected);
}
