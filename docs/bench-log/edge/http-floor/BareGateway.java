// The HTTP stack's floor on this machine: Javalin and Jetty as the gateway configures them (the same
// thread pool, Jackson mapper and JSON compression), answering POST /api/events/{eventId}/applications
// with a constant-shaped rejection after binding the body, nothing else: no Kafka, no edge state.
// Run from the project root with the built jar's lib/ on the class path (source-file mode):
//   java -cp 'target/classes:target/lib/*' docs/bench-log/edge/http-floor/BareGateway.java PORT MODE
// MODE "sync" answers in the handler; "async" through ctx.future with an already completed future.
// The "handoff" modes complete the future on another thread, as the broker's acknowledgement does in
// the gateway: one completer thread takes what the handlers queued, all of it at once.
//   handoff         the completer completes each future; each answer is written on the HTTP pool
//                   (thenAcceptAsync, one task per answer: the gateway's way);
//   handoff-direct  the completer writes each answer itself;
//   handoff-group   the completer gives the pool one task per group taken, which writes each answer;
//   handoff-block   the handler's thread waits for its future and writes the answer in the handler.
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Gzip;
import io.javalin.json.JavalinJackson;
import io.javalin.util.ConcurrencyUtil;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.ArrayList;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;

public class BareGateway {
    record Body(String userId) {
    }

    record Waiting(CompletableFuture<Map<String, Object>> future, Map<String, Object> answer) {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        String mode = args.length > 1 ? args[1] : "sync";
        if (!List.of("sync", "async", "handoff", "handoff-direct", "handoff-group", "handoff-block").contains(mode)) {
            throw new IllegalArgumentException("unknown mode " + mode);
        }
        boolean async = !mode.equals("sync");
        ObjectMapper mapper = io.couponissuer.json.Json.MAPPER;
        var pool = ConcurrencyUtil.jettyThreadPool("JettyServerThreadPool", 8, 250, false);
        Executor responses = pool;
        BlockingQueue<Waiting> queued = new LinkedBlockingQueue<>();
        if (mode.startsWith("handoff")) {
            Thread completer = new Thread(() -> {
                List<Waiting> taken = new ArrayList<>();
                while (true) {
                    try {
                        taken.add(queued.take());
                    } catch (InterruptedException e) {
                        return;
                    }
                    queued.drainTo(taken);
                    if (mode.equals("handoff-group")) {
                        List<Waiting> group = List.copyOf(taken);
                        responses.execute(() -> group.forEach(w -> w.future().complete(w.answer())));
                    } else {
                        taken.forEach(w -> w.future().complete(w.answer()));
                    }
                    taken.clear();
                }
            }, "completer");
            completer.setDaemon(true);
            completer.start();
        }
        Javalin app = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson(mapper, false));
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.threadPool = pool;
            CompressionStrategy strategy = new CompressionStrategy(null, new Gzip());
            strategy.setAllowedMimeTypes(List.of("application/json"));
            cfg.http.compressionStrategy = strategy;
            cfg.routes.post("/api/events/{eventId}/applications", ctx -> {
                Body body = mapper.readValue(ctx.bodyAsBytes(), Body.class);
                Map<String, Object> answer = Map.of("status", "REJECTED", "reason", "SOLD_OUT",
                        "eventId", ctx.pathParam("eventId"), "userId", body.userId(),
                        "requestId", UUID.randomUUID().toString());
                if (mode.equals("handoff-block")) {
                    CompletableFuture<Map<String, Object>> done = new CompletableFuture<>();
                    queued.add(new Waiting(done, answer));
                    ctx.json(done.get());
                } else if (mode.startsWith("handoff")) {
                    // The continuation first, then the queue: the completer never finds a future without it.
                    CompletableFuture<Map<String, Object>> done = new CompletableFuture<>();
                    CompletableFuture<Void> written = mode.equals("handoff")
                            ? done.thenAcceptAsync(ctx::json, responses) : done.thenAccept(ctx::json);
                    queued.add(new Waiting(done, answer));
                    ctx.future(() -> written);
                } else if (async) {
                    ctx.future(() -> CompletableFuture.completedFuture(answer).thenAccept(ctx::json));
                } else {
                    ctx.json(answer);
                }
            });
        });
        app.start("127.0.0.1", port);
        System.out.println("bare gateway (" + mode + ") on " + port);
    }
}
