package io.countersign.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.countersign.common.json.JsonSupport;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Enforces {@code countersign.http.body-timeout}: a request whose body has not fully arrived that
 * long after its headers is answered 408 problem+json and its connection closed. Vert.x's idle
 * timeout alone does not catch a client that sends one byte every few seconds.
 */
@ApplicationScoped
public class BodyDeadline {

    @Inject
    HttpLimitsConfig config;

    @Inject
    Vertx vertx;

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            HttpServerRequest request = rc.request();
            if (!request.isEnded() && hasBody(request)) {
                long timer = vertx.setTimer(config.bodyTimeout().toMillis(), id -> expire(rc));
                rc.addEndHandler(done -> vertx.cancelTimer(timer));
            }
            rc.next();
        }, 1000);
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        return request.getHeader("Transfer-Encoding") != null || (length != null && !length.strip().equals("0"));
    }

    private void expire(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (request.isEnded() || rc.response().ended() || rc.response().closed()) {
            return;
        }
        Log.warnf("Closed a connection from %s: the body of %s %s did not arrive within %s", request.remoteAddress(),
                request.method(), request.path(), config.bodyTimeout());
        if (rc.response().headWritten()) {
            close(request);
            return;
        }
        String body;
        try {
            body = JsonSupport.MAPPER.writeValueAsString(new Problem(Problem.typeUri("request-timeout"),
                    "Request timeout", 408, "The request body did not arrive within " + config.bodyTimeout().toSeconds()
                            + " s of its headers; the connection is closed.", request.path(), null));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        rc.response().setStatusCode(408).putHeader("Content-Type", Problem.MEDIA_TYPE);
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
