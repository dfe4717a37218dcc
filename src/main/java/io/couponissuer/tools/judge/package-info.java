/**
 * The one judge of the invariants, used by the bench and by every test that checks a run: it is given
 * what was read from the ledger (coupon.issued and coupon.rejected, read committed), the coupon table
 * and what clients were told, and names each broken invariant with examples. It reads nothing itself.
 */
package io.couponissuer.tools.judge;
