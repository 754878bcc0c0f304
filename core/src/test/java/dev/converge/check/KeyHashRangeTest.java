package dev.converge.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyHashRangeTest {
    @Test
    void childrenCoverTheirParentAndEachHashLiesInExactlyOne() {
        KeyHashRange parent = new KeyHashRange(4, 0xa);
        List<KeyHashRange> kids = parent.children(3);
        assertEquals(8, kids.size());
        long hash = 0xa7_0000_0000_0000_01L;
        assertTrue(parent.contains(hash), "a hash starting with a lies in a/4");
        assertEquals(1, kids.stream().filter(k -> k.contains(hash)).count(), "exactly one child holds it");
        assertTrue(kids.get(parent.childIndex(hash, 3)).contains(hash), "childIndex names that child");
    }

    @Test
    void theWholeSpaceHoldsEveryHashAndTheTopBitsPickTheChild() {
        assertTrue(KeyHashRange.ALL.contains(-1L));
        assertEquals(15, KeyHashRange.ALL.childIndex(-1L, 4), "all ones: the last of 16");
        assertEquals(0, KeyHashRange.ALL.childIndex(1L, 4), "a small hash: the first of 16");
        assertFalse(new KeyHashRange(1, 0).contains(-1L), "the lower half does not hold a hash with its top bit set");
    }

    @Test
    void readsBackWhatItWritesAndRefusesTheRest() {
        KeyHashRange r = new KeyHashRange(20, 0xbeef1);
        assertEquals("beef1/20", r.toString());
        assertEquals(r, KeyHashRange.parse(r.toString()));
        assertEquals(new KeyHashRange(64, -1L), KeyHashRange.parse("ffffffffffffffff/64"));
        assertThrows(IllegalArgumentException.class, () -> KeyHashRange.parse("ff/4"), "ff has more than 4 bits");
        assertThrows(IllegalArgumentException.class, () -> KeyHashRange.parse("zz/8"));
        assertThrows(IllegalArgumentException.class, () -> KeyHashRange.parse("8"));
        assertThrows(IllegalArgumentException.class, () -> new KeyHashRange(62, 0).children(3), "past 64 bits");
    }

    @Test
    void ordersByWhereTheRangeStarts() {
        assertTrue(new KeyHashRange(1, 1).compareTo(new KeyHashRange(4, 0x7)) > 0, "the upper half starts after 7/4");
        assertTrue(KeyHashRange.ALL.compareTo(new KeyHashRange(1, 0)) < 0, "the wider of two ranges that start alike first");
    }
}
