package io.couponissuer.gateway;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.tools.local.cluster.FreePort;
import io.couponissuer.health.KafkaConnectivity;
import io.couponissuer.testing.OpenApiContract;
import io.couponissuer.testing.TestHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document and the code stay in step: the gateway's routes are exactly the described
 * ones, each described record has exactly the fields of its Java record, and the gateway serves the
 * document. (The statuses and bodies of real answers are checked against it where the tests make
 * them: GatewayInputTest, AdminApiIT.)
 */
class OpenApiContractTest {
    private final OpenApiContract contract = OpenApiContract.load();
    private static GatewayServer gateway;
    private static CommandPublisher publisher;
    private static KafkaConnectivity kafka;

    @BeforeAll
    static void start() {
        Settings settings = Settings.from(Map.of()).with(Setting.COUPON_RECORD_KEYS, io.couponissuer.testing.CouponCluster.RECORD_KEYS)
                .with(Setting.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:" + FreePort.next())
                .with(Setting.COUPON_HTTP_PORT, 0)
                .with(Setting.COUPON_ADMIN_TOKEN, "contract-token");
        publisher = new CommandPublisher(settings);
        kafka = new KafkaConnectivity(settings);
        gateway = GatewayInputTest.gatewayWithoutIssuers(settings, publisher, new DecisionWaiter(settings), kafka).start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        publisher.close();
        kafka.close();
    }

    @Test
    void theGatewaysRoutesAreExactlyTheDescribedOnes() {
        Set<String> code = new TreeSet<>(gateway.routes());
        assertThat(code).as("routes in the code (left) and in %s", OpenApiDocument.RESOURCE)
                .containsExactlyInAnyOrderElementsOf(contract.routes());
    }

    @Test
    void everyDescribedRecordHasExactlyItsJavaFields() throws Exception {
        assertThat(contract.recordSchemas()).as("schemas tied to records").hasSizeGreaterThanOrEqualTo(10);
        for (String[] schema : contract.recordSchemas()) {
            Class<?> type = Class.forName(schema[1]);
            assertThat(type.isRecord()).as(schema[1]).isTrue();
            Set<String> fields = new TreeSet<>(Arrays.stream(type.getRecordComponents())
                    .map(java.lang.reflect.RecordComponent::getName).toList());
            assertThat(contract.properties(schema[0])).as("schema %s against record %s", schema[0], schema[1])
                    .containsExactlyInAnyOrderElementsOf(fields);
        }
    }

    @Test
    void theGatewayServesTheDocument() throws Exception {
        HttpResponse<String> response = TestHttp.get("http://127.0.0.1:" + gateway.port()
                + OpenApiDocument.PATH);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(io.couponissuer.json.Json.MAPPER.readTree(response.body())).isEqualTo(contract.document());
    }
}
