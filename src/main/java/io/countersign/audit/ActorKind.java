package io.countersign.audit;

/** Who caused an audited change: an agent (machine identity), a person, or Countersign itself. */
public enum ActorKind {
    AGENT, USER, SYSTEM
}
