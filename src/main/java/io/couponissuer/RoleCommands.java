package io.couponissuer;

import io.couponissuer.CouponSystem.Role;
import io.couponissuer.config.Settings;
import picocli.CommandLine.Command;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The roles as separate processes against any broker (KAFKA_BOOTSTRAP_SERVERS); start more to scale. */
final class RoleCommands {
    private RoleCommands() {
    }

    /** Starts the roles and blocks until the process is asked to stop (Ctrl-C, SIGTERM). */
    static int runUntilStopped(Set<Role> roles) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        CouponSystem system = CouponSystem.start(Settings.fromEnvironment(), roles);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            system.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    @Command(name = "gateway", description = "The HTTP API (Javalin): takes applications and event definitions.")
    static final class Gateway implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            return runUntilStopped(EnumSet.of(Role.GATEWAY));
        }
    }

    @Command(name = "issuer", description = "The Kafka Streams issuer; serves its stores on COUPON_ISSUER_HTTP_PORT.")
    static final class Issuer implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            return runUntilStopped(EnumSet.of(Role.ISSUER));
        }
    }

    @Command(name = "writer", description = "The writer: coupon.issued into PostgreSQL.")
    static final class Writer implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            return runUntilStopped(EnumSet.of(Role.WRITER));
        }
    }

    @Command(name = "all", description = "Gateway, issuer and writer in one process against a given broker.")
    static final class All implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            return runUntilStopped(EnumSet.allOf(Role.class));
        }
    }
}
