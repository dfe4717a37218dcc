/**
 * The faults the production shape is tested under, beyond a kill: a network of its own for the local
 * cluster (a Linux network namespace per process, joined by a bridge) so that links between processes
 * can be cut, one way or both, and a relay that lets those processes reach this machine's PostgreSQL.
 */
package io.couponissuer.tools.nemesis;
