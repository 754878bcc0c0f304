package dev.converge.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jooq.SQLDialect;
import org.junit.jupiter.api.Test;

/** Generated names: readable where they can be, distinct for distinct tables, never longer than 63 bytes. */
class GeneratedNameTest {
    @Test
    void aPlainNameInTheDatabasesOwnCaseReadsAsBefore() {
        assertEquals("cv_shadow_pers", GeneratedName.of("cv_shadow_", "pers", SQLDialect.POSTGRES));
        assertEquals("cv_shadow_pers", GeneratedName.of("cv_shadow_", "PERS", SQLDialect.H2));
    }

    @Test
    void namesThatDifferOnlyInCaseGetDistinctNames() {
        for (SQLDialect d : List.of(SQLDialect.POSTGRES, SQLDialect.H2)) {
            Set<String> names = new HashSet<>();
            for (String table : List.of("foo", "Foo", "FOO", "fOO")) {
                String n = GeneratedName.of("cv_shadow_", table, d);
                assertTrue(n.startsWith("cv_shadow_foo"), "readable: " + n);
                assertTrue(names.add(n), d + ": " + table + " gets a name of its own, not " + n + " again: " + names);
            }
        }
    }

    @Test
    void longNamesSharingAPrefixGetDistinctNamesThatFit() {
        String prefix = "orders_archived_from_the_eastern_region_warehouse_number_";
        for (String p : List.of("cv_shadow_", "cv_capture_ins_", "cv_capture_")) {
            String north = GeneratedName.of(p, prefix + "north", SQLDialect.POSTGRES);
            String south = GeneratedName.of(p, prefix + "south", SQLDialect.POSTGRES);
            assertNotEquals(north, south);
            assertTrue(north.length() <= 63 && south.length() <= 63, north + " / " + south);
            assertTrue(north.startsWith(p + "orders_archived"), "readable: " + north);
            assertEquals(north, GeneratedName.of(p, prefix + "north", SQLDialect.POSTGRES), "stable");
        }
    }

    @Test
    void otherCharactersAreReplacedAndTheNameStaysWithin63Bytes() {
        String n = GeneratedName.of("cv_shadow_", "Ärger mit \"Zeichen\" und einem sehr langen Namen, der nicht passt", SQLDialect.POSTGRES);
        assertTrue(n.matches("[a-z0-9_]+"), n);
        assertTrue(n.getBytes(StandardCharsets.UTF_8).length <= 63, n);
        assertNotEquals(n, GeneratedName.of("cv_shadow_", "Ärger mit \"Zeichen\" und einem sehr langen Namen, der nicht passt!", SQLDialect.POSTGRES));
    }

    @Test
    void aDerivedNameIsCutOnlyWhenItDoesNotFit() {
        assertEquals("cv_shadow_pers_pk", GeneratedName.fit("cv_shadow_pers_pk"));
        String longer = "cv_shadow_orders_archived_from_the_eastern_region_warehouse_north_purge";
        String other = "cv_shadow_orders_archived_from_the_eastern_region_warehouse_south_purge";
        assertTrue(GeneratedName.fit(longer).length() <= 63);
        assertNotEquals(GeneratedName.fit(longer), GeneratedName.fit(other));
    }
}
