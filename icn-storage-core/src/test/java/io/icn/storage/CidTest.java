package io.icn.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidTest {

    /**
     * Known answers computed with the npm {@code multiformats} package (v13, {@code CID.create(1, code,
     * await sha256.digest(new TextEncoder().encode(input)))}), hard-coded because node and the package are
     * not part of this build.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku|bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        "a|bafkreigks6arfsq3xxfpvqrrwonchxcnu6do76auprhhfomao6c273sixm|bafybeigks6arfsq3xxfpvqrrwonchxcnu6do76auprhhfomao6c273sixm",
        "hello world|bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e|bafybeifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e",
        "ICN shard 0|bafkreiejotr73qzo73uqpg5wvyycrvakdwimxidby5nkszprwq2ztka5iq|bafybeiejotr73qzo73uqpg5wvyycrvakdwimxidby5nkszprwq2ztka5iq",
    })
    void matchesMultiformats(String input, String raw, String dagPb) {
        byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
        Cid r = Cid.ofRaw(bytes);
        assertThat(r.toString()).isEqualTo(raw);
        assertThat(Cid.of(Cid.DAG_PB, r.digest()).toString()).isEqualTo(dagPb);
        assertThat(Cid.parse(raw)).isEqualTo(r);
        assertThat(Cid.parse(dagPb).codec()).isEqualTo(Cid.DAG_PB);
        assertThat(Cid.parse(dagPb)).isNotEqualTo(r);
    }

    @Test
    void nonAsciiKnownAnswer() {
        Cid c = Cid.ofRaw(new String(new char[] {0, 1, 2, 0xff}).getBytes(StandardCharsets.UTF_8));
        assertThat(c.toString()).isEqualTo("bafkreiecpiyouz6gfhiyv2btk5dw6ygzmfyzxmrj7bknjt4mg4fqkgiuhi");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "b", "..", "../../etc/passwd", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyk/",
        "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvy..", "BAFKREIHDWDCEFGH4DQKJV67UZCMW7OJEE6XEDZDETOJUZJEVTENXQUVYKU",
        "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyKu", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyk\u0000",
        "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvykuu", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyk",
        "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", "zdj7WWeQ43G6JJvLWQWZpyHuAMq6uYWRjkBXFad11vE2LHhQ7",
        "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvykv", // non-zero trailing bits
        "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyk\u212a", // Kelvin sign, upper-cases to K
        "bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", // dag-cbor codec
    })
    void rejectsHostileOrForeignText(String text) {
        assertThatThrownBy(() -> Cid.parse(text)).isInstanceOf(InvalidCidException.class);
        assertThat(Cid.isValid(text)).isFalse();
    }

    @Test
    void rejectsOverlongInputWithoutEchoingIt() {
        String huge = "b".repeat(1_000_000);
        assertThatThrownBy(() -> Cid.parse(huge)).isInstanceOf(InvalidCidException.class)
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(200));
        assertThatThrownBy(() -> Cid.parse(null)).isInstanceOf(InvalidCidException.class);
    }

    @Test
    void rejectsForeignBinaryForms() {
        byte[] good = Cid.ofRaw(new byte[] {1}).toBytes();
        for (int pos : new int[] {0, 1, 2, 3}) {
            byte[] bad = good.clone();
            bad[pos] ^= 0x40;
            assertThatThrownBy(() -> Cid.fromBytes(bad)).isInstanceOf(InvalidCidException.class);
        }
        assertThatThrownBy(() -> Cid.fromBytes(new byte[35])).isInstanceOf(InvalidCidException.class);
    }

    /** Seeded property test: bytes -> text -> bytes is the identity, text is canonical and path-safe. */
    @Test
    void roundTripsRandomDigests() {
        long seed = System.nanoTime();
        System.out.println("CidTest.roundTripsRandomDigests seed=" + seed);
        Random rnd = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            byte[] digest = new byte[32];
            rnd.nextBytes(digest);
            Cid c = Cid.of(rnd.nextBoolean() ? Cid.RAW : Cid.DAG_PB, digest);
            String text = c.toString();
            assertThat(text).as("seed %d", seed).hasSize(Cid.TEXT_LENGTH).matches("b[a-z2-7]+");
            assertThat(Cid.parse(text)).isEqualTo(c).hasSameHashCodeAs(c);
            assertThat(Cid.fromBytes(c.toBytes())).isEqualTo(c);
            char[] mutated = text.toCharArray();
            int at = 1 + rnd.nextInt(mutated.length - 1);
            mutated[at] = "!/.\\A0189=".charAt(rnd.nextInt(10));
            assertThat(Cid.isValid(new String(mutated))).as("seed %d", seed).isFalse();
        }
    }
}
