package io.couponissuer;

import io.couponissuer.dev.BrokerCommand;
import io.couponissuer.dev.DevCommand;
import io.couponissuer.issuer.CouponTopology;
import io.couponissuer.ops.lag.LagCommand;
import io.couponissuer.writer.ReplayCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** The one command: each role of the system is a subcommand. Settings come from the environment (docs/settings.md). */
@Command(name = "coupon-issuer", mixinStandardHelpOptions = true,
        description = "First-come-first-served coupon issuer on Kafka Streams. Settings: environment variables (docs/settings.md).",
        subcommands = {
                DevCommand.class,
                RoleCommands.Gateway.class,
                RoleCommands.Issuer.class,
                RoleCommands.Writer.class,
                RoleCommands.All.class,
                BrokerCommand.class,
                io.couponissuer.dev.ClusterCommand.class,
                io.couponissuer.dev.KafkaNodeCommand.class,
                ReplayCommand.class,
                LagCommand.class,
                io.couponissuer.bench.BenchCommand.class,
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
