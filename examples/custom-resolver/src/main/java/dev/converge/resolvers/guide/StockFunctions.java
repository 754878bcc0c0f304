package dev.converge.resolvers.guide;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The guide's SQL-function example on H2, a Java function alias: {@code CREATE ALIAS resolve_stock FOR
 * 'dev.converge.resolvers.guide.StockFunctions.resolveStock'}. The higher stock count wins; equal counts, a delete
 * or a missing count go by the timestamp rule, as the conflict's {@code by_timestamp} says.
 */
public final class StockFunctions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StockFunctions() {
    }

    public static String resolveStock(String conflict) throws Exception {
        JsonNode c = JSON.readTree(conflict);
        JsonNode local = stock(c.get("local"));
        JsonNode remote = stock(c.get("remote"));
        if (local == null || remote == null || local.asLong() == remote.asLong()) {
            return c.get("by_timestamp").asText();
        }
        return remote.asLong() > local.asLong() ? "apply-remote" : "keep-local";
    }

    /** The row's count: H2 spells the column STOCK. */
    private static JsonNode stock(JsonNode row) {
        JsonNode stock = row == null || row.isNull() ? null : row.get("STOCK");
        return stock == null || !stock.isNumber() ? null : stock;
    }
}
