package io.couponissuer.gateway;

import io.javalin.http.Context;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a request comes from, as far as its rate is concerned, when it carries no verified identity
 * (a request with a valid bearer token counts against its user instead: ClientRateLimit).
 */
@FunctionalInterface
public interface ClientKey {
    String of(Context ctx);

    /**
     * The connection's source address; when it is one of {@code trustedProxies}, the address they say
     * the request came from: the right-most X-Forwarded-For entry that is not itself a trusted proxy
     * (what a client writes in the header's left part is not believed).
     */
    static ClientKey sourceAddress(Set<String> trustedProxies) {
        Set<String> trusted = Set.copyOf(trustedProxies);
        return ctx -> {
            String peer = ctx.ip();
            String forwarded = trusted.contains(peer) ? ctx.header("X-Forwarded-For") : null;
            if (forwarded == null || forwarded.isBlank()) {
                return "ip:" + peer;
            }
            String[] hops = forwarded.split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = hops[i].trim();
                if (!hop.isEmpty() && !trusted.contains(hop)) {
                    return "ip:" + hop;
                }
            }
            return "ip:" + peer;
        };
    }

    /** COUPON_GATEWAY_TRUSTED_PROXIES: comma-separated addresses. */
    static Set<String> proxies(String setting) {
        return Arrays.stream(setting.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }
}
