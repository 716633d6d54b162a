/**
 * The hand-written part of csat's Java client: {@link com.csat.client.CsatClient} builds the channel
 * (target, token, TLS, retry policy) and hands out the stubs of package {@code com.csat.v1};
 * {@link com.csat.client.CsatErrors} decodes the error details csat sends.
 */
package com.csat.client;
