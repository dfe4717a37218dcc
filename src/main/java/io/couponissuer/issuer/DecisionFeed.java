package io.couponissuer.issuer;

import io.couponissuer.message.Decision;
import io.couponissuer.query.AnswerFeed;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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
 * waiter in this process registers before the application is sent. A gateway of its own subscribes
 * once ({@link AnswerFeed}) and is streamed every decision marked with its id. A decision that finds
 * neither (made by a replay, or while its gateway reconnects) is kept among the last
 * {@link #UNCLAIMED} decisions in case its waiter registers late. Futures complete, and streams are
 * written, on threads of their own, never on the stream thread.
 */
public final class DecisionFeed implements AnswerFeed, AutoCloseable {
    static final int UNCLAIMED = 65_536;
    /** Decisions queued for one gateway's stream; past it they are not streamed (its ledger waiter answers). */
    static final int STREAM_QUEUE = 65_536;
    /** Gateways streamed at once: each costs a thread and a queue. */
    static final int MAX_STREAMS = 64;

    private final Map<String, Stream> streams = new ConcurrentHashMap<>();

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

    /** Waiters registered now: a gateway's in this process, or a long poll another instance forwarded. */
    public int waiting() {
        return waiting.size();
    }

    /** The waiter gave up (its wait ran out, was cancelled, or its application was not sent). */
    public void forget(String requestId) {
        waiting.remove(requestId);
    }

    /**
     * The decider made this decision on an application awaited by {@code awaitedBy} (header
     * coupon.awaited; stream thread): to its waiter in this process, else to that gateway's stream.
     */
    void decided(byte[] awaitedBy, Decision decision) {
        CompletableFuture<Decision> future = waiting.remove(decision.requestId());
        if (future == null) {
            Stream stream = awaitedBy == null ? null : streams.get(new String(awaitedBy, StandardCharsets.UTF_8));
            if (stream != null && stream.offer(decision)) {
                return;
            }
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
    public AutoCloseable subscribe(String gatewayId, Consumer<Decision> sink) {
        if (streams.size() >= MAX_STREAMS && !streams.containsKey(gatewayId)) {
            throw new IllegalStateException("already streaming to " + MAX_STREAMS + " gateways");
        }
        Stream stream = new Stream(gatewayId, sink);
        Stream replaced = streams.put(gatewayId, stream);
        if (replaced != null) {
            replaced.close();
        }
        stream.thread.start();
        return () -> {
            streams.remove(gatewayId, stream);
            stream.close();
        };
    }

    /** Gateways streamed now. */
    public int streams() {
        return streams.size();
    }

    /** One gateway's stream: a bounded queue, written to the sink by a thread of its own. */
    private static final class Stream {
        private final BlockingQueue<Decision> queue = new ArrayBlockingQueue<>(STREAM_QUEUE);
        private final Consumer<Decision> sink;
        private final Thread thread;
        private volatile boolean open = true;

        Stream(String gatewayId, Consumer<Decision> sink) {
            this.sink = sink;
            this.thread = new Thread(this::run, "decision-stream-" + gatewayId);
            thread.setDaemon(true);
        }

        boolean offer(Decision decision) {
            return open && queue.offer(decision);
        }

        private void run() {
            try {
                while (open) {
                    Decision decision = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (decision != null) {
                        sink.accept(decision);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) { // the gateway went away: it subscribes again
                open = false;
            }
        }

        void close() {
            open = false;
            thread.interrupt();
        }
    }

    @Override
    public synchronized void close() {
        streams.values().forEach(Stream::close);
        streams.clear();
        if (completer != null) {
            completer.shutdownNow();
        }
    }
}
