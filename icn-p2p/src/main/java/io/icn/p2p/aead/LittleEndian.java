package io.icn.p2p.aead;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Little-endian words at absolute indexes of any byte buffer, whatever the buffer's own order. Stateless. */
final class LittleEndian {
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {
    }

    static int getInt(ByteBuffer b, int index) {
        return (int) INT.get(b, index);
    }

    static void putInt(ByteBuffer b, int index, int value) {
        INT.set(b, index, value);
    }

    static long getLong(ByteBuffer b, int index) {
        return (long) LONG.get(b, index);
    }

    static void putLong(ByteBuffer b, int index, long value) {
        LONG.set(b, index, value);
    }
}
