package dev.converge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.converge.clock.HybridTimestamp;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

/**
 * The JSON form of ChangeSets and row images (the inbox, the wire) loses nothing: every value of every canonical type
 * reads back equal (integers beyond a long's range too), and malformed input is refused with
 * a {@link MalformedChangeSetException}, never with another exception.
 */
class ChangeSetCodecProperties {
    @Property(tries = 300)
    void aChangeSetReadsBackEqual(@ForAll("changeSets") ChangeSet cs) {
        String json = ChangeSetCodec.toJson(cs);
        assertEquals(cs, ChangeSetCodec.fromJson(json), "The ChangeSet read back from " + json);
    }

    @Property(tries = 300)
    void aRowImageReadsBackEqual(@ForAll("images") RowImage image) {
        String json = ChangeSetCodec.imageToJson(image);
        assertEquals(image, ChangeSetCodec.imageFromJson(json), "The image read back from " + json);
    }

    @Property(tries = 300)
    void malformedImagesAreRefusedWithAClearError(@ForAll("images") RowImage image, @ForAll("cuts") int cut) {
        String json = ChangeSetCodec.imageToJson(image);
        String broken = json.substring(0, Math.min(cut, json.length() - 1));
        assertThrows(MalformedChangeSetException.class, () -> ChangeSetCodec.imageFromJson(broken), "Refused: " + broken);
    }

    @Example
    void imagesThatAreNotObjectsAreRefused() {
        for (String bad : List.of("[1,2]", "7", "\"x\"", "{\"a\":1} {\"b\":2}", "{\"a\":1}]", "")) {
            assertThrows(MalformedChangeSetException.class, () -> ChangeSetCodec.imageFromJson(bad), "Refused: " + bad);
        }
    }

    @Example
    void nestedValuesReadBackAsTheirJsonText() {
        assertEquals("{\"b\":[1,null]}", ChangeSetCodec.imageFromJson("{\"a\": {\"b\": [1, null]}}").get("a"));
    }

    @Provide
    Arbitrary<Integer> cuts() {
        return Arbitraries.integers().between(0, 200);
    }

    @Provide
    Arbitrary<RowImage> images() {
        Arbitrary<Object> value = Arbitraries.oneOf(
            Arbitraries.strings().withCharRange('\u0000', '\uFFFD').ofMaxLength(12).map(s -> (Object) s),
            Arbitraries.longs().map(l -> (Object) l),
            Arbitraries.bigDecimals().between(new BigDecimal("-1e30"), new BigDecimal("1e30")).ofScale(6).map(d -> (Object) d),
            Arbitraries.of(Boolean.TRUE, Boolean.FALSE).map(b -> (Object) b),
            Arbitraries.just(null));
        Arbitrary<String> column = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6);
        return Arbitraries.maps(column, value).ofMaxSize(6).map(m -> new RowImage(new LinkedHashMap<>(m)));
    }

    @Provide
    Arbitrary<ChangeSet> changeSets() {
        Arbitrary<HybridTimestamp> ts = Arbitraries.longs().between(1, 1L << 40).map(HybridTimestamp::fromLong);
        Arbitrary<Change> change = Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.longs(), images(), images(), ts)
            .as((kind, id, before, after, t) -> {
                RowKey key = RowKey.of("id", id);
                return switch (kind) {
                    case 0 -> new Change.Insert("t", key, after, t);
                    case 1 -> new Change.Update("t", key, before, after, t);
                    default -> new Change.Delete("t", key, before, t);
                };
            });
        Arbitrary<Map<NodeId, Long>> deps = Arbitraries.maps(Arbitraries.of("A", "B", "C").map(NodeId::of), Arbitraries.longs().between(0, 1000));
        Arbitrary<Map<String, String>> metadata = Arbitraries.oneOf(Arbitraries.just(Map.of()),
            Arbitraries.maps(Arbitraries.of(ChangeSet.KIND, ChangeSet.UNDOES, "x"), Arbitraries.strings().ofMaxLength(8)).ofMaxSize(2));
        return Combinators.combine(Arbitraries.longs().between(1, Long.MAX_VALUE), ts, deps, change.list().ofMaxSize(5), metadata)
            .as((seq, t, d, changes, m) -> new ChangeSet(NodeId.of("A"), seq, t, d, new ArrayList<>(changes), m));
    }
}
