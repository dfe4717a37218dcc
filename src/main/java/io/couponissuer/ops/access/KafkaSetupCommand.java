package io.couponissuer.ops.access;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * `kafka-setup`: the one job that holds a super user's certificate. It creates the topics, gives each
 * role its SCRAM user (passwords from COUPON_KAFKA_USERS_FILE) and makes each role's ACLs exactly
 * {@link RoleAcls}: missing ones are added, ones the table no longer holds are removed. Safe to run
 * again; the roles start after it has finished.
 */
@Command(name = "kafka-setup", mixinStandardHelpOptions = true,
        description = "On a secured cluster, as a super user (KAFKA_CLIENT_PROPERTIES): create the topics, the roles' SCRAM "
                + "users (COUPON_KAFKA_USERS_FILE) and their ACLs, then exit.")
public final class KafkaSetupCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSetupCommand.class);
    private static final int SCRAM_ITERATIONS = 8192;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = Settings.fromEnvironment();
        Properties passwords = passwords(settings);
        new TopicSetup(settings, TIMEOUT).createAll();
        try (Admin admin = Admin.create(ClientConfigs.admin(settings))) {
            upsertUsers(admin, passwords);
            Changes changes = applyAcls(admin, new RoleAcls(settings).flat());
            System.out.println("kafka-setup: topics there, SCRAM users " + List.of(KafkaUser.values()) + ", ACLs: "
                    + changes.added() + " added, " + changes.removed() + " removed, " + changes.kept() + " kept");
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("kafka-setup on " + settings.get(Setting.KAFKA_BOOTSTRAP_SERVERS) + " failed: "
                    + (e.getCause() != null ? e.getCause() : e), e);
        }
        return 0;
    }

    /** Every role's password, from the users file; a missing role is an error, not a role left out. */
    static Properties passwords(Settings settings) {
        Properties properties = settings.properties(Setting.COUPON_KAFKA_USERS_FILE).orElseThrow(() ->
                new IllegalArgumentException("COUPON_KAFKA_USERS_FILE must name the roles' SCRAM passwords "
                        + "(user=password per line; bin/coupon-issuer kafka-secrets writes one)"));
        String file = settings.get(Setting.COUPON_KAFKA_USERS_FILE);
        for (KafkaUser user : KafkaUser.values()) {
            String password = properties.getProperty(user.userName(), "");
            if (password.length() < 16) {
                throw new IllegalArgumentException("COUPON_KAFKA_USERS_FILE " + file + ": " + user.userName()
                        + " needs a password of 16 or more characters");
            }
        }
        return properties;
    }

    private static void upsertUsers(Admin admin, Properties passwords)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<UserScramCredentialAlteration> upserts = new ArrayList<>();
        for (KafkaUser user : KafkaUser.values()) {
            upserts.add(new UserScramCredentialUpsertion(user.userName(),
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                    passwords.getProperty(user.userName())));
        }
        admin.alterUserScramCredentials(upserts).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    record Changes(int added, int removed, int kept) {
    }

    /** Makes the roles' ACLs exactly {@code wanted}; ACLs of other principals are not touched. */
    private static Changes applyAcls(Admin admin, List<AclBinding> wanted)
            throws ExecutionException, InterruptedException, TimeoutException {
        Set<AclBinding> existing = new HashSet<>();
        for (KafkaUser user : KafkaUser.values()) {
            AclBindingFilter ofUser = new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter(
                    user.principal().toString(), null, AclOperation.ANY, AclPermissionType.ANY));
            existing.addAll(admin.describeAcls(ofUser).values().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        }
        List<AclBindingFilter> stale = existing.stream().filter(binding -> !wanted.contains(binding))
                .map(AclBinding::toFilter).toList();
        if (!stale.isEmpty()) {
            admin.deleteAcls(stale).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            LOG.info("Removed ACLs no role holds any more: {}", stale);
        }
        List<AclBinding> missing = wanted.stream().filter(binding -> !existing.contains(binding)).toList();
        if (!missing.isEmpty()) {
            admin.createAcls(missing).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        return new Changes(missing.size(), stale.size(), wanted.size() - missing.size());
    }
}
