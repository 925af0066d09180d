package io.countersign.engine.embedded;

import io.countersign.engine.EngineConflictException;
import io.countersign.engine.embedded.ProcessModel.Kind;
import io.countersign.engine.embedded.ProcessModel.Node;
import io.countersign.engine.embedded.Step.Cmd;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Message catch and boundary events: a subscription by name and correlation key, correlated by
 * a published message or, when one is buffered, as soon as it opens (at most once per instance).
 */
final class MessageEvents {

    private final Behaviors b;

    MessageEvents(Behaviors b) {
        this.b = b;
    }

    Runnable prepare(ElementRow owner, Node event, Map<String, Object> vars) {
        String name = b.feel.string(event.message().name(), vars, "message name");
        String correlationKey = b.feel.string(event.message().correlationKey(), vars, "correlation key");
        return () -> open(owner, event.id(), name, correlationKey);
    }

    private void open(ElementRow owner, String targetId, String name, String correlationKey) {
        long subKey = b.store.nextKey();
        b.store.insertSubscription(subKey, owner.instanceKey(), owner.key(), targetId, name, correlationKey);
        EngineStore.BufferedMessage msg = b.store.uncorrelatedMessage(name, correlationKey, b.now, owner.instanceKey());
        if (msg != null) {
            b.store.insertCorrelation(msg.key(), owner.instanceKey());
            @SuppressWarnings("unchecked")
            Map<String, Object> vars = (Map<String, Object>) Json.read(msg.variablesJson());
            correlate(subKey, vars);
        }
    }

    /**
     * Buffers a published message until it expires.
     *
     * @throws EngineConflictException while a message with the same name, correlation key and id is buffered
     */
    void buffer(long key, String name, String correlationKey, Duration ttl, String messageId,
            Map<String, Object> vars) {
        String dedup = messageId == null ? null
                : EngineCore.sha256((name + "\u0000" + correlationKey + "\u0000" + messageId)
                        .getBytes(StandardCharsets.UTF_8));
        if (dedup != null && b.store.messageBuffered(dedup, b.now)) {
            throw new EngineConflictException("a message with name '" + name + "', correlation key '"
                    + correlationKey + "' and id '" + messageId + "' is already buffered");
        }
        b.store.insertMessage(key, name, correlationKey, messageId, dedup, Json.write(vars), b.now.plus(ttl), b.now);
    }

    /** Correlates a message to one subscription; false when it no longer applies. */
    boolean correlate(long subscriptionKey, Map<String, Object> vars) {
        EngineStore.Subscription sub = b.store.subscription(subscriptionKey);
        if (sub == null || !b.store.claimSubscription(subscriptionKey)) {
            return false;
        }
        ElementRow e = b.store.element(sub.elementKey());
        Node target = b.model(e).node(sub.targetElementId());
        if (target.kind() == Kind.BOUNDARY_EVENT) {
            return b.boundaries.trigger(e, target, vars);
        }
        if (!"ACTIVATED".equals(e.state())) {
            return false;
        }
        b.variables.setEventVariables(e, target, vars);
        b.enqueue(Cmd.COMPLETE, e.key());
        return true;
    }
}
