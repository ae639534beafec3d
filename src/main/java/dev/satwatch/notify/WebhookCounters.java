package dev.satwatch.notify;

/**
 * Outcomes of webhook deliveries ({@code satwatch.webhook.deliveries{result=ok|failed}}). {@link #NONE} ignores
 * them. Implementations must be thread-safe: every endpoint's worker calls them.
 */
public interface WebhookCounters {

    /** Counts nothing. */
    WebhookCounters NONE = new WebhookCounters() {
        @Override
        public void delivered() {}

        @Override
        public void failed() {}
    };

    /** One transition reached one URL (a 2xx answer). */
    void delivered();

    /** One transition gave up on one URL: all attempts failed, or the URL's queue was full. */
    void failed();
}
