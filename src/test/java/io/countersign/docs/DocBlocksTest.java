package io.countersign.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.docs.DocBlocks.Inbox;
import io.countersign.docs.DocBlocks.Save;
import io.countersign.docs.DocBlocks.Shell;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules DocExamplesTest reads pages by. */
class DocBlocksTest {

    @Test
    void shellBlocksWithTheirOutputSkipsSavesAndInboxSteps() {
        String page = """
                # Page
                ```bash
                echo one
                ```

                ```output
                one
                ```
                <!-- doc-test: skip: starts a server -->
                ```bash
                mvn quarkus:dev
                ```
                <!-- doc-test: save hook.sh -->
                ```sh
                exit 0
                ```
                <!-- doc-test: inbox APPROVE $ID by fred fiona -->
                ```sh
                true
                ```
                ```java
                class NotRun {}
                ```
                """;
        var steps = DocBlocks.parse(page);
        assertEquals(List.of(new Shell(2, "echo one\n", "one\n"), new Save(14, "hook.sh", "exit 0\n"),
                new Inbox(17, "APPROVE", "ID", List.of("fred", "fiona")), new Shell(18, "true\n", null)), steps);
    }

    @Test
    void aMarkerMustBeRightBeforeItsBlockAndASkipNeedsAReason() {
        assertThrows(IllegalArgumentException.class, () -> DocBlocks.parse("<!-- doc-test: skip: x -->\ntext\n```bash\nls\n```\n"));
        assertThrows(IllegalArgumentException.class, () -> DocBlocks.parse("<!-- doc-test: skip: -->\n```bash\nls\n```\n"));
        assertThrows(IllegalArgumentException.class, () -> DocBlocks.parse("<!-- doc-test: run twice -->\n```bash\nls\n```\n"));
        assertThrows(IllegalArgumentException.class, () -> DocBlocks.parse("```bash\nls\n"));
    }

    @Test
    void outputMatchesLineByLineWithEllipses() {
        assertTrue(DocBlocks.matches("a\nb\n", "a\nb  \n"));
        assertFalse(DocBlocks.matches("a\nb\n", "a\nc\n"));
        assertFalse(DocBlocks.matches("a\n", "a\nb\n"));
        assertTrue(DocBlocks.matches("pushed ...\n", "pushed 1a2b3c\n"));
        assertTrue(DocBlocks.matches("first\n...\nlast\n", "first\nx\ny\nlast\n"));
        assertTrue(DocBlocks.matches("first\n...\nlast\n", "first\nlast\n"));
        assertFalse(DocBlocks.matches("(a+)\n", "aa\n"), "the expected text is literal");
    }
}
