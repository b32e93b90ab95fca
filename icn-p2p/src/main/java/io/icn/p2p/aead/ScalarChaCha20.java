package io.icn.p2p.aead;

import java.nio.ByteBuffer;

/**
 * ChaCha20 one block at a time in plain {@code int} arithmetic: the fallback where the Vector API is absent, and
 * the tail (fewer bytes than a vector batch) of {@link VectorChaCha20}.
 *
 * <p>Not thread-safe: holds one block of scratch.
 */
final class ScalarChaCha20 implements ChaCha20 {
    private final int[] keystream = new int[16];

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void block(int[] state, int[] out) {
        int x0 = state[0];
        int x1 = state[1];
        int x2 = state[2];
        int x3 = state[3];
        int x4 = state[4];
        int x5 = state[5];
        int x6 = state[6];
        int x7 = state[7];
        int x8 = state[8];
        int x9 = state[9];
        int x10 = state[10];
        int x11 = state[11];
        int x12 = state[12];
        int x13 = state[13];
        int x14 = state[14];
        int x15 = state[15];
        for (int round = 0; round < 10; round++) {
            // columns
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 16);
            x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 12);
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 8);
            x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 7);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 16);
            x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 12);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 8);
            x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 7);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 16);
            x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 12);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 8);
            x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 7);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 16);
            x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 12);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 8);
            x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 7);
            // diagonals
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 16);
            x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 12);
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 8);
            x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 7);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 16);
            x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 12);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 8);
            x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 7);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 16);
            x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 12);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 8);
            x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 7);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 16);
            x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 12);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 8);
            x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 7);
        }
        out[0] = x0 + state[0];
        out[1] = x1 + state[1];
        out[2] = x2 + state[2];
        out[3] = x3 + state[3];
        out[4] = x4 + state[4];
        out[5] = x5 + state[5];
        out[6] = x6 + state[6];
        out[7] = x7 + state[7];
        out[8] = x8 + state[8];
        out[9] = x9 + state[9];
        out[10] = x10 + state[10];
        out[11] = x11 + state[11];
        out[12] = x12 + state[12];
        out[13] = x13 + state[13];
        out[14] = x14 + state[14];
        out[15] = x15 + state[15];
    }

    @Override
    public void xor(int[] state, ByteBuffer src, int srcIndex, ByteBuffer dst, int dstIndex, int length) {
        int[] ks = keystream;
        int s = srcIndex;
        int d = dstIndex;
        int left = length;
        while (left >= 64) {
            block(state, ks);
            state[12]++;
            for (int i = 0; i < 16; i++) {
                LittleEndian.putInt(dst, d + 4 * i, LittleEndian.getInt(src, s + 4 * i) ^ ks[i]);
            }
            s += 64;
            d += 64;
            left -= 64;
        }
        if (left > 0) {
            block(state, ks);
            state[12]++;
            for (int i = 0; i < left; i++) {
                int k = ks[i >>> 2] >>> (8 * (i & 3));
                dst.put(d + i, (byte) (src.get(s + i) ^ k));
            }
        }
    }
}
