package io.countersign.engine.camunda;

import io.camunda.client.api.command.ClientException;
import io.camunda.client.api.command.ClientHttpException;
import io.camunda.client.api.command.ClientStatusException;
import io.countersign.engine.EngineConflictException;
import io.countersign.engine.EngineNotFoundException;
import io.countersign.engine.EngineRejectedException;
import java.util.concurrent.CompletionException;

/** Translates Camunda client failures into the port's exceptions (not found, conflict, rejected) or unavailable. */
final class CamundaErrors {

    private CamundaErrors() {
    }

    /** The port's view of a failed client call; {@code what} names the command and its target. */
    static RuntimeException translate(RuntimeException failure, String what) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ClientStatusException status) {
            String detail = what + ": " + status.getStatus().getDescription();
            return switch (status.getStatusCode()) {
                case NOT_FOUND -> new EngineNotFoundException(detail);
                case ALREADY_EXISTS, FAILED_PRECONDITION -> new EngineConflictException(detail);
                case INVALID_ARGUMENT -> new EngineRejectedException(detail);
                default -> new CamundaUnavailableException(what + " failed: " + status.getStatusCode() + " "
                        + status.getStatus().getDescription(), status);
            };
        }
        if (cause instanceof ClientHttpException http) {
            String detail = what + ": " + http.getMessage();
            return switch (http.code()) {
                case 404 -> new EngineNotFoundException(detail);
                case 409 -> new EngineConflictException(detail);
                case 400 -> new EngineRejectedException(detail);
                default -> new CamundaUnavailableException(what + " failed: HTTP " + http.code(), http);
            };
        }
        if (cause instanceof ClientException client) {
            return new CamundaUnavailableException(what + " failed: " + client.getMessage(), client);
        }
        return failure;
    }
}
