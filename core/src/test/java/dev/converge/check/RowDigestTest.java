package dev.converge.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.converge.config.ReplicatedTable;
import dev.converge.model.RowImage;
import dev.converge.model.RowKey;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RowDigestTest {
    private static final ReplicatedTable H2 = new ReplicatedTable("ITEM", List.of("ID"), List.of("ID", "NAME", "PRICE"),
        List.of("ID", "NAME", "PRICE"), Optional.empty());
    private static final ReplicatedTable PG = new ReplicatedTable("item", List.of("id"), List.of("price", "id", "name"),
        List.of("price", "id", "name"), Optional.empty());

    private static RowImage row(String id, Object idValue, String name, Object nameValue, String price, Object priceValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(id, idValue);
        m.put(name, nameValue);
        m.put(price, priceValue);
        return new RowImage(m);
    }

    @Test
    void theSameRowHashesAlikeWhateverTheCaseAndOrderOfItsColumns() {
        RowImage h2 = row("ID", 7, "NAME", "bolt", "PRICE", new BigDecimal("1.50"));
        RowImage pg = row("price", new BigDecimal("1.5"), "id", 7L, "name", "bolt");
        assertEquals(new RowDigest(H2).rowHash(h2), new RowDigest(PG).rowHash(pg), "numbers by value, names in lower case, columns by name");
        assertEquals(new RowDigest(H2).keyHash(h2), new RowDigest(PG).keyHash(pg));
        assertEquals(new RowDigest(H2).keyHash(h2), new RowDigest(PG).keyHash(RowKey.of("id", 7)), "a key hashes as the row it keys");
    }

    @Test
    void anyDifferentValueHashesDifferently() {
        RowDigest d = new RowDigest(H2);
        RowHash base = d.rowHash(row("ID", 7, "NAME", "bolt", "PRICE", 1));
        assertNotEquals(base, d.rowHash(row("ID", 7, "NAME", "bolts", "PRICE", 1)));
        assertNotEquals(base, d.rowHash(row("ID", 7, "NAME", null, "PRICE", 1)), "null is not a value");
        assertNotEquals(base, d.rowHash(row("ID", 7, "NAME", "bolt", "PRICE", "1")), "the text 1 is not the number 1");
        assertNotEquals(d.rowHash(row("ID", 7, "NAME", "ab", "PRICE", "c")), d.rowHash(row("ID", 7, "NAME", "a", "PRICE", "bc")),
            "values do not run into each other");
    }

    @Test
    void sumsDoNotDependOnTheOrderRowsAreRead() {
        RowHash a = new RowHash(-1L, 5);
        RowHash b = new RowHash(3, -7);
        assertEquals(RowHash.ZERO.plus(a).plus(b), RowHash.ZERO.plus(b).plus(a));
        assertEquals(a, RowHash.parse(a.toString()), "reads back what it writes");
    }
}
