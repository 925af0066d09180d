package io.countersign.common.text;

/** How strictly a piece of untrusted text is rendered for a person ({@link VisibleText}). */
public enum TextKind {
    /** Prose (summary, justification, comments): hidden and direction-changing characters are marked. */
    TEXT,
    /** Code (SQL, patches): as TEXT, and spaces other than U+0020 are marked, since a parser reads them differently. */
    CODE,
    /** A name a person recognises (target, beneficiary, database): as CODE, plus mixed-script look-alikes. */
    NAME,
    /** An identifier that must be printable ASCII (IBAN, account, SHA, branch, currency, reference): anything else is marked. */
    IDENTIFIER
}
