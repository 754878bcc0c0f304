package dev.converge.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.JSONB;
import org.junit.jupiter.api.Test;

class RecordsetTest {
    private static Optional<String> one(Object value) {
        return Recordset.json(List.of("v"), List.<Object[]>of(new Object[] {value}));
    }

    @Test
    void valuesAreWrittenInTheTextFormPostgresReads() {
        assertEquals("[{\"v\":null}]", one(null).orElseThrow());
        assertEquals("[{\"v\":7}]", one(7).orElseThrow());
        assertEquals("[{\"v\":9007199254740993}]", one(9007199254740993L).orElseThrow());
        assertEquals("[{\"v\":123456789012345678901234567890}]", one(new BigInteger("123456789012345678901234567890")).orElseThrow());
        assertEquals("[{\"v\":1000}]", one(new BigDecimal("1E+3")).orElseThrow(), "decimals in plain notation, never with an exponent");
        assertEquals("[{\"v\":0.10}]", one(new BigDecimal("0.10")).orElseThrow(), "the scale is kept");
        assertEquals("[{\"v\":0.1}]", one(0.1d).orElseThrow());
        assertEquals("[{\"v\":\"NaN\"}]", one(Double.NaN).orElseThrow());
        assertEquals("[{\"v\":\"-Infinity\"}]", one(Float.NEGATIVE_INFINITY).orElseThrow());
        assertEquals("[{\"v\":true}]", one(Boolean.TRUE).orElseThrow());
        assertEquals("[{\"v\":\"\\\\x00ff10\"}]", one(new byte[] {0, (byte) 0xff, 0x10}).orElseThrow(), "bytea's hex form");
        assertEquals("[{\"v\":\"2024-02-29\"}]", one(LocalDate.of(2024, 2, 29)).orElseThrow());
        assertEquals("[{\"v\":\"2026-01-01T12:00:00.123456\"}]", one(LocalDateTime.of(2026, 1, 1, 12, 0, 0, 123_456_000)).orElseThrow());
        assertEquals("[{\"v\":\"23:59:58\"}]", one(LocalTime.of(23, 59, 58)).orElseThrow());
        assertEquals("[{\"v\":\"2026-01-01T12:00+02:00\"}]", one(OffsetDateTime.of(2026, 1, 1, 12, 0, 0, 0, ZoneOffset.ofHours(2))).orElseThrow());
        assertEquals("[{\"v\":\"00000000-0000-0000-0000-000000000001\"}]", one(new UUID(0, 1)).orElseThrow());
        assertEquals("[{\"v\":\"quote \\\" back \\\\ tab \\t ă\"}]", one("quote \" back \\ tab \t ă").orElseThrow());
        assertEquals("[{\"v\":{\"a\":[1,null]}}]", one(JSONB.valueOf("{\"a\":[1,null]}")).orElseThrow(), "JSON values go in as they are");
    }

    @Test
    void aValuesTextIsWhatItsColumnsInputFunctionReads() {
        assertEquals("0.10", Recordset.text(new BigDecimal("0.10")));
        assertEquals("1000", Recordset.text(new BigDecimal("1E+3")));
        assertEquals("\\x00ff", Recordset.text(new byte[] {0, (byte) 0xff}));
        assertEquals("0044-03-15 BC", Recordset.text(LocalDate.of(-43, 3, 15)), "a year BC with its era, not a signed year");
        assertEquals("-Infinity", Recordset.text(Double.NEGATIVE_INFINITY));
        assertEquals("quote \" back \\", Recordset.text("quote \" back \\"), "text as it is: the array or JSON around it escapes it");
        assertEquals(null, Recordset.text(JSONB.valueOf("{}")), "a JSON value has no text form here");
        assertEquals(null, Recordset.text(new Object()), "nor has an unknown type");
    }

    @Test
    void aJsonNullIsRefusedForTheRecordsetWouldMakeItSqlNull() {
        assertTrue(one(JSONB.valueOf("null")).isEmpty());
        assertTrue(one(org.jooq.JSON.valueOf(" null ")).isEmpty());
        assertEquals("[{\"v\":\"null\"}]", one(JSONB.valueOf("\"null\"")).orElseThrow(),
            "the JSON string \"null\" is a value like any other");
    }

    @Test
    void aSetTooLargeForOneStatementIsRefused() {
        String big = "x".repeat(1024 * 1024);
        List<Object[]> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 70; i++) {
            rows.add(new Object[] {i, big});
        }
        assertTrue(Recordset.json(List.of("id", "v"), rows).isEmpty(), "70 MB of JSON is more than one recordset takes");
        assertTrue(Recordset.json(List.of("id", "v"), rows.subList(0, 10)).isPresent(), "10 MB is not");
    }

    @Test
    void rowsKeepTheirColumnsAndOrder() {
        assertEquals("[{\"id\":1,\"Name\":\"x\"},{\"id\":2,\"Name\":null}]",
            Recordset.json(List.of("id", "Name"), List.of(new Object[] {1, "x"}, new Object[] {2, null})).orElseThrow());
        assertEquals("[]", Recordset.json(List.of("id"), List.of()).orElseThrow());
    }

    @Test
    void aValueWithoutAFaithfulTextFormIsRefusedNotGuessed() {
        assertTrue(one(new Integer[] {1, 2}).isEmpty(), "arrays have no JSON form PostgreSQL reads back as an array column");
        assertTrue(one(new Object()).isEmpty(), "an unknown type is refused");
        assertTrue(Recordset.json(List.of("a", "b"), List.of(new Object[] {1, "ok"}, new Object[] {2, Arrays.asList(1, 2)})).isEmpty(),
            "one bad value anywhere refuses the whole set");
    }
}
