// The HTTP stack's floor on this machine: Javalin and Jetty as the gateway configures them (the same
// thread pool, Jackson mapper and JSON compression), answering POST /api/events/{eventId}/applications
// with a constant-shaped rejection after binding the body, nothing else: no Kafka, no edge state.
// Run from the project root with the built jar's lib/ on the class path (source-file mode):
//   java -cp 'target/classes:target/lib/*' docs/bench-log/edge/http-floor/BareGateway.java PORT sync|async
// "async" answers through ctx.future with an already completed future, as the gateway's handlers do.
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Gzip;
import io.javalin.json.JavalinJackson;
import io.javalin.util.ConcurrencyUtil;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

public class BareGateway {
    record Body(String userId) {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        boolean async = args.length > 1 && args[1].equals("async");
        ObjectMapper mapper = io.couponissuer.json.Json.MAPPER;
        Javalin app = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson(mapper, false));
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.threadPool = ConcurrencyUtil.jettyThreadPool("JettyServerThreadPool", 8, 250, false);
            CompressionStrategy strategy = new CompressionStrategy(null, new Gzip());
            strategy.setAllowedMimeTypes(List.of("application/json"));
            cfg.http.compressionStrategy = strategy;
            cfg.routes.post("/api/events/{eventId}/applications", ctx -> {
                Body body = mapper.readValue(ctx.bodyAsBytes(), Body.class);
                Map<String, Object> answer = Map.of("status", "REJECTED", "reason", "SOLD_OUT",
                        "eventId", ctx.pathParam("eventId"), "userId", body.userId(),
                        "requestId", UUID.randomUUID().toString());
                if (async) {
                    ctx.future(() -> CompletableFuture.completedFuture(answer).thenAccept(ctx::json));
                } else {
                    ctx.json(answer);
                }
            });
        });
        app.start("127.0.0.1", port);
        System.out.println("bare gateway (" + (async ? "async" : "sync") + ") on " + port);
    }
}
