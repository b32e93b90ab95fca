package io.icn.p2p.kad;

/**
 * How a PUT_VALUE or ADD_PROVIDER went: how many of the closest peers were asked to store it and how
 * many acknowledged (ADD_PROVIDER has no response: delivered counts).
 *
 * @param asked peers the record was sent to (at most k)
 * @param acknowledged peers that stored it
 * @param requests every request sent, the lookup's included
 */
public record PutResult(int asked, int acknowledged, int requests) {
    public PutResult {
        if (asked < 0 || acknowledged < 0 || acknowledged > asked || requests < asked) {
            throw new IllegalArgumentException("impossible put result: " + asked + " asked, " + acknowledged
                    + " acknowledged, " + requests + " requests");
        }
    }
}
