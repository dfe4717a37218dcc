/**
 * The tooling around the system, apart from its core: the load generator ({@code bench}), the judge of
 * the invariants the bench and the tests share ({@code judge}), and running it all on one machine
 * ({@code local}: {@code dev}, {@code broker}, {@code cluster}, {@code kafka-node}). None of it runs in a
 * production role.
 *
 * <p>It may use any core package; no core package uses it. The one exception is the command line's
 * entry point, {@code io.couponissuer.Main}, which lists these commands next to the roles'.
 * {@code PackageDependenciesTest} holds both rules.
 *
 * <p>Why a package of the one Maven module rather than a module of its own: {@code dev}, which runs the
 * roles next to a broker embedded in the same process, is the first command a newcomer runs, from the
 * same jar and {@code bin/coupon-issuer} as every role, and {@code cluster} starts each role from that
 * jar too. A second module would need a second jar, or an assembly of both, for these commands, and a
 * second place for the build, the image and CI to know about; one package boundary, checked by a test,
 * keeps the core apart without any of that.
 */
package io.couponissuer.tools;
