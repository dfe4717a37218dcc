package io.couponissuer.tools.bench;

import org.HdrHistogram.Histogram;

import java.util.stream.LongStream;

/** Percentiles of one latency, in milliseconds (HdrHistogram, 3 significant digits, recorded in microseconds). */
public record LatencySummary(long count, double p50, double p95, double p99, double max) {
    private static final double MICROS_PER_MS = 1_000.0;

    public static LatencySummary ofNanos(LongStream nanos) {
        Histogram histogram = new Histogram(3);
        nanos.forEach(value -> histogram.recordValue(Math.max(0, value / 1_000)));
        if (histogram.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0);
        }
        return new LatencySummary(histogram.getTotalCount(),
                ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(95)),
                ms(histogram.getValueAtPercentile(99)), ms(histogram.getMaxValue()));
    }

    private static double ms(long micros) {
        return Math.round(micros / MICROS_PER_MS * 10) / 10.0;
    }
}
