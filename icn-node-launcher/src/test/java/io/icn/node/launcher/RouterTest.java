package io.icn.node.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Routes: exact paths, prefixes, HEAD as GET, 404 with the listener's hint, 405 naming the allowed methods. */
class RouterTest {
    private final Handler a = r -> Reply.error(200, "a");
    private final Handler b = r -> Reply.error(200, "b");
    private final Handler c = r -> Reply.error(200, "c");

    @Test
    void findsExactPathsPrefixesAndAnswersHeadWithGet() {
        Router router = new Router("; try /x").route("GET", "/x", a).streaming("POST", "/x", b)
                .prefix("GET", "/jobs/", c);
        assertThat(router.find("GET", "/x").handler()).isSameAs(a);
        assertThat(router.find("HEAD", "/x").handler()).isSameAs(a);
        assertThat(router.find("GET", "/x").streamsBody()).isFalse();
        assertThat(router.find("POST", "/x").handler()).isSameAs(b);
        assertThat(router.find("POST", "/x").streamsBody()).isTrue();
        assertThat(router.find("GET", "/jobs/job-1").handler()).isSameAs(c);
    }

    @Test
    void anUnknownPathIs404AndAnotherMethod405() {
        Router router = new Router("; this listener serves /x").route("GET", "/x", a).prefix("GET", "/jobs/", c);
        assertThatThrownBy(() -> router.find("GET", "/y")).isInstanceOf(ApiError.class)
                .hasMessage("no endpoint /y; this listener serves /x")
                .satisfies(e -> assertThat(((ApiError) e).status()).isEqualTo(404));
        assertThatThrownBy(() -> router.find("GET", "/jobs/")).as("a prefix alone")
                .satisfies(e -> assertThat(((ApiError) e).status()).isEqualTo(404));
        assertThatThrownBy(() -> router.find("DELETE", "/x")).hasMessageContaining("use GET")
                .satisfies(e -> assertThat(((ApiError) e).status()).isEqualTo(405));
        assertThatThrownBy(() -> router.find("POST", "/jobs/job-1"))
                .satisfies(e -> assertThat(((ApiError) e).status()).isEqualTo(405));
        assertThatThrownBy(() -> router.prefix("GET", "/no-slash", a)).isInstanceOf(IllegalArgumentException.class);
    }
}
