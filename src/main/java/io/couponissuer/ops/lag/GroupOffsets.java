package io.couponissuer.ops.lag;

import java.time.Instant;
import java.util.List;

/** One reading of a group: its partitions, or the error that kept them from being read. */
public record GroupOffsets(String groupId, Instant at, List<PartitionOffsets> partitions, String error) {
    public static GroupOffsets read(String groupId, Instant at, List<PartitionOffsets> partitions) {
        return new GroupOffsets(groupId, at, List.copyOf(partitions), null);
    }

    public static GroupOffsets failed(String groupId, Instant at, String error) {
        return new GroupOffsets(groupId, at, List.of(), error);
    }

    public boolean readable() {
        return error == null;
    }
}
