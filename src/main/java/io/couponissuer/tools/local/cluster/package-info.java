/**
 * The local production shape: docker-compose.yml read into a plan of OS processes of this build,
 * started along the compose file's dependencies, and the processes themselves, which the fault tests
 * kill and restart.
 */
package io.couponissuer.tools.local.cluster;
