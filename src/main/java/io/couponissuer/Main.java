package io.couponissuer;

import io.couponissuer.issuer.CouponTopology;
import io.couponissuer.ops.access.KafkaSetupCommand;
import io.couponissuer.ops.lag.LagCommand;
import io.couponissuer.tools.bench.BenchCommand;
import io.couponissuer.tools.local.BrokerCommand;
import io.couponissuer.tools.local.ClusterCommand;
import io.couponissuer.tools.local.DevCommand;
import io.couponissuer.tools.local.KafkaNodeCommand;
import io.couponissuer.tools.local.secrets.KafkaSecretsCommand;
import io.couponissuer.writer.ReplayCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * The one command: each role of the system is a subcommand, and so is each tool (io.couponissuer.tools),
 * so that one jar runs both. Settings come from the environment (docs/settings.md).
 */
@Command(name = "coupon-issuer", mixinStandardHelpOptions = true,
        description = "First-come-first-served coupon issuer on Kafka Streams. Settings: environment variables (docs/settings.md).",
        subcommands = {
                DevCommand.class,
                RoleCommands.Gateway.class,
                RoleCommands.Issuer.class,
                RoleCommands.Writer.class,
                RoleCommands.All.class,
                BrokerCommand.class,
                ClusterCommand.class,
                KafkaNodeCommand.class,
                KafkaSetupCommand.class,
                KafkaSecretsCommand.class,
                ReplayCommand.class,
                LagCommand.class,
                BenchCommand.class,
                Main.DescribeTopology.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(name = "topology", description = "Print the issuer topology (Topology#describe()).")
    static final class DescribeTopology implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.print(CouponTopology.build().describe());
            return 0;
        }
    }
}
