package io.couponissuer.ops.access;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.Topics;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RoleAclsTest {
    private static final RoleAcls DEFAULTS = new RoleAcls(Settings.from(Map.of()));

    private static boolean allows(Set<AclBinding> bindings, ResourceType type, String name, AclOperation operation) {
        return bindings.stream().anyMatch(b -> b.pattern().resourceType() == type && b.entry().operation() == operation
                && (b.pattern().patternType() == PatternType.LITERAL ? b.pattern().name().equals(name)
                        : name.startsWith(b.pattern().name())));
    }

    @Test
    void onlyTheIssuerWritesDecisionsAndDefinitions() {
        for (KafkaUser user : KafkaUser.values()) {
            Set<AclBinding> acls = DEFAULTS.of(user);
            boolean issuer = user == KafkaUser.ISSUER;
            assertThat(allows(acls, ResourceType.TOPIC, Topics.ISSUED.name(), AclOperation.WRITE)).as(user + " writes issued").isEqualTo(issuer);
            assertThat(allows(acls, ResourceType.TOPIC, Topics.EVENTS.name(), AclOperation.WRITE)).as(user + " writes events").isEqualTo(issuer);
            assertThat(allows(acls, ResourceType.GROUP, "coupon-issuer", AclOperation.READ)).as(user + " joins the issuers").isEqualTo(issuer);
            assertThat(allows(acls, ResourceType.TRANSACTIONAL_ID, "coupon-issuer-0-1", AclOperation.WRITE))
                    .as(user + " uses the issuers' transactional ids").isEqualTo(issuer);
        }
    }

    @Test
    void applicationsComeFromGatewaysAndIssuersOnly() {
        assertThat(allows(DEFAULTS.of(KafkaUser.GATEWAY), ResourceType.TOPIC, Topics.APPLY_REQUESTS.name(), AclOperation.WRITE)).isTrue();
        assertThat(allows(DEFAULTS.of(KafkaUser.WRITER), ResourceType.TOPIC, Topics.APPLY_REQUESTS.name(), AclOperation.WRITE)).isFalse();
        assertThat(allows(DEFAULTS.of(KafkaUser.OPS), ResourceType.TOPIC, Topics.APPLY_REQUESTS.name(), AclOperation.WRITE)).isFalse();
        // The writer sees nothing but the coupons it stores and the failures it reports.
        assertThat(DEFAULTS.of(KafkaUser.WRITER)).allMatch(b -> Set.of(Topics.ISSUED.name(), Topics.FAILED.name(), "coupon-writer")
                .contains(b.pattern().name()));
    }

    @Test
    void nobodyButTheSuperUsersCreatesDeletesOrAltersAndEverythingIsAnAllow() {
        for (AclBinding binding : DEFAULTS.flat()) {
            assertThat(binding.entry().permissionType()).isEqualTo(AclPermissionType.ALLOW);
            assertThat(binding.pattern().name()).as("no wildcard").isNotEqualTo("*");
            boolean ownPrefix = binding.pattern().patternType() == PatternType.PREFIXED && binding.pattern().name().equals("coupon-issuer-");
            if (!ownPrefix) {
                assertThat(binding.entry().operation()).as(binding.toString())
                        .isNotIn(AclOperation.ALL, AclOperation.CREATE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.ALTER_CONFIGS);
            }
        }
    }

    @Test
    void clusterActionOnlyForAnIssuerWhoseGuardRepairs() {
        RoleAcls reportOnly = new RoleAcls(Settings.from(Map.of(Setting.COUPON_HANGING_TXN_REPAIR.name(), "report")));
        assertThat(allows(DEFAULTS.of(KafkaUser.ISSUER), ResourceType.CLUSTER, "kafka-cluster", AclOperation.CLUSTER_ACTION)).isTrue();
        assertThat(allows(DEFAULTS.of(KafkaUser.ISSUER), ResourceType.TOPIC, "__transaction_state", AclOperation.READ)).isTrue();
        assertThat(allows(reportOnly.of(KafkaUser.ISSUER), ResourceType.CLUSTER, "kafka-cluster", AclOperation.CLUSTER_ACTION)).isFalse();
        assertThat(allows(reportOnly.of(KafkaUser.ISSUER), ResourceType.TOPIC, "__transaction_state", AclOperation.READ)).isFalse();
        for (KafkaUser user : Set.of(KafkaUser.GATEWAY, KafkaUser.WRITER, KafkaUser.OPS)) {
            assertThat(DEFAULTS.of(user)).noneMatch(b -> b.pattern().resourceType() == ResourceType.CLUSTER);
        }
    }

    @Test
    void anotherApplicationIdMovesTheIssuersNamesAndNotOnlyByPrefix() {
        RoleAcls other = new RoleAcls(Settings.from(Map.of(Setting.COUPON_APPLICATION_ID.name(), "coupons")));
        assertThat(allows(other.of(KafkaUser.ISSUER), ResourceType.TOPIC, "coupons-decisions-changelog", AclOperation.ALL)).isTrue();
        // "coupons-" does not reach an application called "couponsX".
        assertThat(allows(other.of(KafkaUser.ISSUER), ResourceType.TOPIC, "couponsX-decisions-changelog", AclOperation.ALL)).isFalse();
        assertThat(allows(other.of(KafkaUser.ISSUER), ResourceType.GROUP, "coupons", AclOperation.READ)).isTrue();
    }
}
