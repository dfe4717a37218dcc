package io.couponissuer.issuer;

import io.couponissuer.message.Decision;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Hands the decision on an application whose client is waiting ({@code ?waitMs}) to that client the
 * moment the decider makes it, before the issuer's transaction commits. That is safe because a
 * decision is a pure function of the ordered input partition and the committed state: a decision
 * made now and lost with an aborted transaction or a crash is made again, identically, by whichever
 * instance replays the partition (docs/architecture.md#answers-before-the-commit). The ledger stays the
 * record; this is only a faster way to tell the client what it will say.
 *
 * <p>Only applications marked {@code coupon.awaited} are handed over; others cost nothing here. A
 * waiter registers before the application is sent; a decision that finds no waiter (made by a
 * replay, or for a waiter in another process) is kept among the last {@link #UNCLAIMED} decisions in
 * case its waiter registers late. Futures complete on a thread of their own, never on the stream
 * thread.
 */
public final class DecisionFeed implements AutoCloseable {
    static final int UNCLAIMED = 65_536;

    private final Map<String, CompletableFuture<Decision>> waiting = new ConcurrentHashMap<>();
    private final Map<String, Decision> unclaimed = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Decision> eldest) {
            return size() > UNCLAIMED;
        }
    };
    /** Started with the first waiter, so a feed nobody waits on (direct load, tests) costs no thread. */
    private ExecutorService completer;

    /** The decision on {@code requestId} as soon as it is made (at once if it already was). */
    public CompletableFuture<Decision> await(String requestId) {
        CompletableFuture<Decision> future = waiting.computeIfAbsent(requestId, id -> new CompletableFuture<>());
        Decision early = claim(requestId); // decided before we registered: take it (decided() looks again too)
        if (early != null) {
            waiting.remove(requestId);
            future.complete(early);
        }
        return future;
    }

    /** Waiters registered now: each an open long poll of a gateway, or one about to be. */
    public int waiting() {
        return waiting.size();
    }

    /** The waiter gave up (its wait ran out, was cancelled, or its application was not sent). */
    public void forget(String requestId) {
        waiting.remove(requestId);
    }

    /** The decider made this decision on an awaited application (stream thread). */
    void decided(Decision decision) {
        CompletableFuture<Decision> future = waiting.remove(decision.requestId());
        if (future == null) {
            synchronized (unclaimed) {
                unclaimed.put(decision.requestId(), decision);
            }
            future = waiting.remove(decision.requestId()); // a waiter that registered meanwhile
            if (future == null) {
                return;
            }
            claim(decision.requestId());
        }
        CompletableFuture<Decision> waiter = future;
        try {
            completer().execute(() -> waiter.complete(decision));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            waiter.complete(decision); // closing: the waiter's decision still counts more than the thread
        }
    }

    private synchronized ExecutorService completer() {
        if (completer == null) {
            completer = Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, "decision-feed");
                thread.setDaemon(true);
                return thread;
            });
        }
        return completer;
    }

    private Decision claim(String requestId) {
        synchronized (unclaimed) {
            return unclaimed.remove(requestId);
        }
    }

    @Override
    public synchronized void close() {
        if (completer != null) {
            completer.shutdownNow();
        }
    }
}
