package io.icn.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's key pair: created once, loaded after, and never silently replaced when half of it is gone. */
class NodeIdentityTest {

    @TempDir
    Path dir;

    @Test
    void aKeyPairIsCreatedOnceAndLoadedAfterwards() {
        NodeIdentity first = NodeIdentity.loadOrCreate(dir);
        assertThat(first.privateKeyFile()).exists();
        assertThat(first.publicKeyFile()).exists();
        assertThat(NodeIdentity.loadOrCreate(dir).account()).isEqualTo(first.account());
    }

    @Test
    void aMissingPrivateKeyBesideItsPublicHalfIsRefusedNotReplaced() throws Exception {
        NodeIdentity original = NodeIdentity.loadOrCreate(dir);
        byte[] pub = Files.readAllBytes(original.publicKeyFile());
        Files.delete(original.privateKeyFile());

        assertThatThrownBy(() -> NodeIdentity.loadOrCreate(dir)).isInstanceOf(NodeException.class)
                .hasMessageContaining(original.privateKeyFile().toString())
                .hasMessageContaining(original.publicKeyFile().toString())
                .hasMessageContaining("backup")
                .hasMessageContaining("delete " + original.publicKeyFile());
        assertThat(original.privateKeyFile()).as("no new key was written").doesNotExist();
        assertThat(Files.readAllBytes(original.publicKeyFile())).as("the public half is kept").isEqualTo(pub);

        Files.delete(original.publicKeyFile()); // the operator's deliberate choice: a new identity
        assertThat(NodeIdentity.loadOrCreate(dir).account()).isNotEqualTo(original.account());
    }

    @Test
    void aMissingPublicHalfIsRefused() throws Exception {
        NodeIdentity original = NodeIdentity.loadOrCreate(dir);
        Files.delete(original.publicKeyFile());
        assertThatThrownBy(() -> NodeIdentity.loadOrCreate(dir)).isInstanceOf(NodeException.class)
                .hasMessageContaining(original.publicKeyFile().toString());
    }
}
