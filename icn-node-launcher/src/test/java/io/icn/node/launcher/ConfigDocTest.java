package io.icn.node.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md lists exactly the keys {@link ConfigKeys} declares: every row of its key tables (those whose
 * header is {@code | key | type | default | meaning |}), the keys of a table under a {@code [name]} heading as
 * {@code name.key}, once each.
 */
class ConfigDocTest {
    private static final Path DOC = Path.of(System.getProperty("icn.repo.root", ".."), "docs", "configuration.md");
    private static final Pattern HEADING_TABLE = Pattern.compile("^#+ .*`\\[([a-z_]+)\\]`");
    private static final Pattern ROW_KEY = Pattern.compile("^\\| `([a-z0-9_]+)` \\|");

    /** The keys the document's key tables list, in order. */
    static List<String> documentedKeys(List<String> lines) {
        List<String> keys = new ArrayList<>();
        String prefix = "";
        boolean inKeyTable = false;
        for (String line : lines) {
            if (line.startsWith("#")) {
                Matcher table = HEADING_TABLE.matcher(line);
                prefix = table.find() ? table.group(1) + "." : "";
                inKeyTable = false;
            } else if (line.replace(" ", "").startsWith("|key|type|default|meaning|")) {
                inKeyTable = true;
            } else if (!line.startsWith("|")) {
                inKeyTable = false;
            } else if (inKeyTable) {
                Matcher key = ROW_KEY.matcher(line);
                if (key.find()) {
                    keys.add(prefix + key.group(1));
                }
            }
        }
        return keys;
    }

    @Test
    void theDocumentListsExactlyTheDeclaredKeys() throws Exception {
        List<String> documented = documentedKeys(Files.readAllLines(DOC));
        List<String> declared = ConfigKeys.ALL.stream().map(ConfigKey::name).toList();
        assertThat(documented).as("keys in %s", DOC).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(declared);
    }

    @Test
    void theParserSeesTablesRowsAndPrefixes() {
        List<String> doc = List.of("# Title", "| key | type | default | meaning |", "|---|---|---|---|",
                "| `a_key` | integer | `1` | x |", "", "### `[limits]`", "", "| key | type | default | meaning |",
                "|---|---|---|---|", "| `b` | integer | `2` | y |", "## Files", "| file | what |", "|---|---|",
                "| `c` | z |");
        assertThat(documentedKeys(doc)).containsExactly("a_key", "limits.b");
    }
}
