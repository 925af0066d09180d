package io.countersign.action;

import java.util.List;

/** One page of requests and the cursor of the next page (null on the last page). */
public record ActionPage(List<ActionView> items, String nextCursor) {
}
