package io.icn.chain.substrate;

import io.icn.chain.ChainException;

/**
 * The node answered a JSON-RPC request with an error object: the request reached it and was refused (an
 * invalid transaction, an unknown method, bad parameters). Retrying the same request will not help.
 */
public final class RpcErrorException extends ChainException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String method;

    public RpcErrorException(String method, int code, String message) {
        super(method + " failed with JSON-RPC error " + code + ": " + message);
        this.code = code;
        this.method = method;
    }

    /** The JSON-RPC error code (e.g. -32601 method not found, 1010 invalid transaction). */
    public int code() {
        return code;
    }

    public String method() {
        return method;
    }
}
