/**
 * Spread events: one hot event decided on every partition of coupon.apply-requests, in two stages
 * (docs/spread-events.md).
 *
 * <ul>
 *   <li>Stage 1, {@link io.couponissuer.issuer.spread.SpreadGate}: the Kafka Streams processor on the
 *       user's partition. It rejects what it can prove by {@link io.couponissuer.issuer.spread.ClaimRules}
 *       over the partition's {@link io.couponissuer.issuer.spread.ClaimWindow} and the user's
 *       {@link io.couponissuer.issuer.spread.Claimant}, and sends the rest on as claims.</li>
 *   <li>Stage 2, {@link io.couponissuer.issuer.spread.SpreadCounter}: on the event's own partition, the
 *       event's one count, which issuer.CouponDecider calls: it decides the claims, and the counter
 *       reports how each ended and opens the windows.</li>
 *   <li>{@link io.couponissuer.issuer.spread.SpreadStores} and
 *       {@link io.couponissuer.issuer.spread.SpreadMetrics}: stage 1's stores and the spread counters.</li>
 * </ul>
 *
 * <p>Depends on the messages and Kafka only, never on the package {@code issuer}, which wires it in.
 */
package io.couponissuer.issuer.spread;
