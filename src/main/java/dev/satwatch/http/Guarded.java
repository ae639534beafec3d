package dev.satwatch.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a handler so that no exception reaches the client as a stack trace: a {@link StoreUnavailableException}
 * becomes 503, a body over the cap 413, anything else 500, each as {@code {"error":"..."}}; the cause is logged.
 */
final class Guarded implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Guarded.class);

    private final HttpHandler delegate;

    Guarded(HttpHandler delegate) {
        this.delegate = delegate;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            delegate.handle(ex);
        } catch (Exchanges.BodyTooLarge e) {
            answer(ex, 413, e.getMessage());
        } catch (StoreUnavailableException e) {
            LOG.debug(
                    "{} {}: stores unavailable",
                    ex.getRequestMethod(),
                    ex.getRequestURI().getPath(),
                    e);
            answer(ex, 503, e.getMessage());
        } catch (IOException e) {
            // The client went away or sent a broken request: nothing useful to answer.
            LOG.debug("{} {}: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(), e.toString());
            ex.close();
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
            answer(ex, 500, "internal error");
        }
    }

    private static void answer(HttpExchange ex, int status, String message) {
        try {
            Exchanges.error(ex, status, message);
        } catch (IOException | RuntimeException e) {
            // Headers already sent or the connection is gone: close it.
            ex.close();
        }
    }
}
