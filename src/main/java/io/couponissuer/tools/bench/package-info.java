/**
 * {@code bench}: load against a running system (through the gateway, straight onto the apply topic, or
 * a bare broker for the ceiling), with rates, latency percentiles and the exactness verdict of
 * {@link io.couponissuer.tools.judge.InvariantJudge}, printed as one JSON object.
 */
package io.couponissuer.tools.bench;
