package io.countersign.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.countersign.common.json.JsonSupport;
import io.quarkus.logging.Log;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Enforces {@code countersign.http.body-timeout}: a request whose body has not fully arrived that
 * long after its headers is answered 408 problem+json and its connection closed (over HTTP/2 its
 * stream is reset). Vert.x's idle timeout alone does not catch a client that sends one byte every
 * few seconds.
 */
@ApplicationScoped
public class BodyDeadline {

    @Inject
    HttpLimitsConfig config;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize maxBodySize;

    /** Routing-context key: the body has fully arrived (or was refused), the deadline no longer applies. */
    private static final String BODY_DONE = "countersign.body-done";

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            HttpServerRequest request = rc.request();
            if (request.isEnded() || !hasBody(request)) {
                rc.next();
                return;
            }
            long timer = vertx.setTimer(config.bodyTimeout().toMillis(), id -> expire(rc));
            rc.addEndHandler(done -> vertx.cancelTimer(timer));
            if (request.version() != HttpVersion.HTTP_2) {
                buffer(rc, timer);
            } else {
                rc.next();
            }
        }, 1000);
    }

    /**
     * Reads the whole body (at most quarkus.http.limits.max-body-size) before any resource runs;
     * Quarkus REST then reads the buffer. Blocking endpoints (the JSON API's streaming submit and
     * revise, the inbox forms) would otherwise read it on a worker thread, and a 408 written
     * meanwhile would race their own answer. HTTP/2 requests are not buffered (Quarkus REST pauses
     * every request it takes over, which an HTTP/2 request refuses once ended): their stream is
     * reset at the deadline instead of answered.
     */
    private void buffer(RoutingContext rc, long timer) {
        HttpServerRequest request = rc.request();
        long max = maxBodySize.asLongValue();
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (rc.get(BODY_DONE) != null) {
                return;
            }
            if (body.length() + (long) chunk.length() > max) {
                rc.put(BODY_DONE, true);
                vertx.cancelTimer(timer);
                refuse(rc, 413, "payload-too-large", "Payload too large", "The request body exceeds the limit of "
                        + max + " bytes.");
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> Log.debugf("Request body of %s not received: %s", request.path(), e.getMessage()));
        request.endHandler(v -> {
            if (rc.get(BODY_DONE) != null || rc.response().ended()) {
                return;
            }
            rc.put(BODY_DONE, true);
            vertx.cancelTimer(timer);
            rc.setBody(body);
            rc.next();
        });
        request.resume();
    }

    private static boolean hasBody(HttpServerRequest request) {
        return request.getHeader("Transfer-Encoding") != null || contentLength(request) > 0;
    }

    private static long contentLength(HttpServerRequest request) {
        try {
            String length = request.getHeader("Content-Length");
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void expire(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        long length = contentLength(request);
        // isEnded() alone is not enough: it stays false while the request's inbound queue is paused.
        boolean arrived = rc.get(BODY_DONE) != null || request.isEnded() || (length >= 0 && request.bytesRead() >= length);
        if (arrived || rc.response().ended() || rc.response().closed()) {
            return;
        }
        rc.put(BODY_DONE, true);
        Log.warnf("Closed a connection from %s: the body of %s %s did not arrive within %s", request.remoteAddress(),
                request.method(), request.path(), config.bodyTimeout());
        refuse(rc, 408, "request-timeout", "Request timeout", "The request body did not arrive within "
                + config.bodyTimeout().toSeconds() + " s of its headers; the connection is closed.");
    }

    /** Answers with a problem and closes the connection (the rest of the body is not read). */
    private static void refuse(RoutingContext rc, int status, String type, String title, String detail) {
        HttpServerRequest request = rc.request();
        if (rc.response().headWritten() || request.version() == HttpVersion.HTTP_2) {
            close(request);
            return;
        }
        String body;
        try {
            body = JsonSupport.MAPPER.writeValueAsString(new Problem(Problem.typeUri(type), title, status, detail,
                    request.path(), null));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        rc.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE);
        if (request.version() != HttpVersion.HTTP_2) {
            rc.response().putHeader("Connection", "close");
        }
        rc.response().end(body).onComplete(done -> close(request));
    }

    private static void close(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_2) {
            request.response().reset();
        } else {
            request.connection().close();
        }
    }
}
