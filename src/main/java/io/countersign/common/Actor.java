package io.countersign.common;

/** Who caused a change: an agent, a person, or Countersign itself (timers, reconcilers). */
public record Actor(Kind kind, String id) {

    /** The three kinds of actors the decision trail distinguishes. */
    public enum Kind { AGENT, USER, SYSTEM }

    public static Actor agent(String id) {
        return new Actor(Kind.AGENT, id);
    }

    public static Actor user(String id) {
        return new Actor(Kind.USER, id);
    }

    public static Actor system(String component) {
        return new Actor(Kind.SYSTEM, component);
    }
}
