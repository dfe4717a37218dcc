package io.couponissuer.ops.access;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.Topics;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The least privilege of each role on the brokers, as ACLs: what it reads and writes, and nothing of
 * another role's. With {@code allow.everyone.if.no.acl.found=false}, whatever is not here is refused.
 * <ul>
 *   <li>gateway: writes applications and the rejections it decides at the edge; reads the answers and
 *       the definitions for its tails;</li>
 *   <li>issuer: reads and writes the apply topic (claims come back to it), writes the answer topics,
 *       definitions and poison records; everything under its {@code application.id} prefix (changelogs,
 *       its group, its transactional ids);</li>
 *   <li>writer: reads the issued coupons as its group, writes what the database refuses;</li>
 *   <li>ops (lag, replay): reads what it reports on and replays coupon.failed as its group.</li>
 * </ul>
 * Gateway, issuer and ops also watch (describe, and read for the producer states that show a hanging
 * transaction) the system's topics, the issuer's changelogs and group offsets: the /ops page, the
 * issuer's transaction guard and {@code lag} need that. Only an issuer whose guard repairs
 * (COUPON_HANGING_TXN_REPAIR=auto) may write transaction markers (CLUSTER_ACTION) and read
 * {@code __transaction_state}, which proves what to write.
 */
public final class RoleAcls {
    /** The group `replay` keeps its progress in (its default). */
    static final String REPLAY_GROUP = "coupon-replay";
    private static final String TRANSACTION_STATE = "__transaction_state";

    private final String applicationId;
    private final String writerGroup;
    private final boolean issuerRepairs;

    public RoleAcls(Settings settings) {
        this.applicationId = settings.get(Setting.COUPON_APPLICATION_ID);
        this.writerGroup = settings.get(Setting.COUPON_WRITER_GROUP_ID);
        this.issuerRepairs = settings.get(Setting.COUPON_HANGING_TXN_REPAIR).trim().equals("auto");
    }

    public Set<AclBinding> of(KafkaUser user) {
        Grants grants = new Grants(user);
        switch (user) {
            case GATEWAY -> {
                grants.topic(Topics.APPLY_REQUESTS.name(), AclOperation.WRITE);
                grants.topic(Topics.REJECTED.name(), AclOperation.WRITE);
                grants.topic(Topics.ISSUED.name(), AclOperation.READ);
                grants.topic(Topics.REJECTED.name(), AclOperation.READ);
                grants.topic(Topics.EVENTS.name(), AclOperation.READ);
                watch(grants);
            }
            case ISSUER -> {
                grants.topic(Topics.APPLY_REQUESTS.name(), AclOperation.READ);
                grants.topic(Topics.APPLY_REQUESTS.name(), AclOperation.WRITE);
                for (String output : List.of(Topics.ISSUED.name(), Topics.REJECTED.name(), Topics.EVENTS.name(),
                        Topics.FAILED.name())) {
                    grants.topic(output, AclOperation.WRITE);
                }
                grants.add(new ResourcePattern(ResourceType.TOPIC, ownPrefix(), PatternType.PREFIXED), AclOperation.ALL);
                grants.add(new ResourcePattern(ResourceType.GROUP, applicationId, PatternType.LITERAL), AclOperation.READ);
                grants.add(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, ownPrefix(), PatternType.PREFIXED),
                        AclOperation.WRITE);
                grants.add(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, ownPrefix(), PatternType.PREFIXED),
                        AclOperation.DESCRIBE);
                watch(grants);
                if (issuerRepairs) {
                    grants.add(new ResourcePattern(ResourceType.CLUSTER, Resource.CLUSTER_NAME, PatternType.LITERAL), AclOperation.CLUSTER_ACTION);
                    grants.topic(TRANSACTION_STATE, AclOperation.READ);
                }
            }
            case WRITER -> {
                grants.topic(Topics.ISSUED.name(), AclOperation.READ);
                grants.add(new ResourcePattern(ResourceType.GROUP, writerGroup, PatternType.LITERAL), AclOperation.READ);
                grants.topic(Topics.FAILED.name(), AclOperation.WRITE);
            }
            case OPS -> {
                watch(grants);
                grants.add(new ResourcePattern(ResourceType.GROUP, REPLAY_GROUP, PatternType.LITERAL), AclOperation.READ);
                grants.topic(Topics.FAILED.name(), AclOperation.WRITE);
            }
        }
        return grants.bindings;
    }

    /** Describe and read the system's topics, the issuer's changelogs and the groups' offsets; see the class doc. */
    private void watch(Grants grants) {
        for (String topic : Topics.NAMES) {
            grants.topic(topic, AclOperation.READ);
        }
        grants.add(new ResourcePattern(ResourceType.TOPIC, ownPrefix(), PatternType.PREFIXED), AclOperation.READ);
        grants.topic(Topics.CONSUMER_OFFSETS, AclOperation.READ);
        grants.add(new ResourcePattern(ResourceType.GROUP, applicationId, PatternType.LITERAL), AclOperation.DESCRIBE);
        grants.add(new ResourcePattern(ResourceType.GROUP, writerGroup, PatternType.LITERAL), AclOperation.DESCRIBE);
        grants.add(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, ownPrefix(), PatternType.PREFIXED), AclOperation.DESCRIBE);
    }

    /** The issuer's own names: application.id and a dash, so another application's prefix never matches. */
    private String ownPrefix() {
        return applicationId + "-";
    }

    /** The bindings of one principal, allowed from any host. */
    private static final class Grants {
        private final String principal;
        private final Set<AclBinding> bindings = new LinkedHashSet<>();

        Grants(KafkaUser user) {
            this.principal = user.principal().toString();
        }

        void topic(String name, AclOperation operation) {
            add(new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), operation);
        }

        void add(ResourcePattern pattern, AclOperation operation) {
            bindings.add(new AclBinding(pattern, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
        }
    }

    /** Every role's bindings as one list, for createAcls. */
    public List<AclBinding> flat() {
        return Arrays.stream(KafkaUser.values()).flatMap(user -> of(user).stream()).toList();
    }
}
