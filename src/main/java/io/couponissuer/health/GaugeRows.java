package io.couponissuer.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.HashMap;
import java.util.Map;

/**
 * One gauge name with a row per tag set, each row's gauge registered once and reading the value the
 * last update gave it; a row absent from an update is removed. Micrometer's MultiGauge with overwrite
 * removes and re-adds every row on every update, and a scrape during an update then missed rows or
 * failed with DuplicateLabelsException (EventMetricsTest; Micrometer #6851).
 */
public final class GaugeRows {
    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final Map<Tags, Row> rows = new HashMap<>();

    private static final class Row {
        volatile double value;
        Gauge gauge;
    }

    public GaugeRows(MeterRegistry registry, String name, String description) {
        this.registry = registry;
        this.name = name;
        this.description = description;
    }

    /** The rows shown from now on, by their tags. */
    public synchronized void update(Map<Tags, ? extends Number> values) {
        rows.entrySet().removeIf(entry -> {
            if (values.containsKey(entry.getKey())) {
                return false;
            }
            registry.remove(entry.getValue().gauge);
            return true;
        });
        values.forEach((tags, value) -> {
            Row row = rows.get(tags);
            if (row == null) {
                row = new Row();
                row.value = value.doubleValue();
                row.gauge = Gauge.builder(name, row, r -> r.value).description(description).tags(tags)
                        .strongReference(true).register(registry);
                rows.put(tags, row);
            } else {
                row.value = value.doubleValue();
            }
        });
    }
}
