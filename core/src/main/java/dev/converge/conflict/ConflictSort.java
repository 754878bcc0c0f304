package dev.converge.conflict;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The orders a conflict list can be read in. Each ends on the record's id, so pages never overlap or skip a record
 * however many conflicts arrive between two reads (keyset paging, see {@link ConflictPage}). Detection order is the
 * record's id order: ids grow as conflicts are recorded, which is also robust to this node's wall clock stepping back.
 */
public enum ConflictSort {
    /** Most recently detected first. */
    NEWEST("newest"),
    /** Earliest detected first. */
    OLDEST("oldest"),
    /** By table name, then earliest detected first. */
    TABLE("table"),
    /** By conflict type, then earliest detected first. */
    TYPE("type");

    private final String word;

    ConflictSort(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    /** The sort with this word; an unknown word is an {@link IllegalArgumentException} listing the known ones. */
    public static ConflictSort parse(String word) {
        for (ConflictSort s : values()) {
            if (s.word.equals(word)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown sort '" + word + "' (known: "
            + Arrays.stream(values()).map(ConflictSort::word).collect(Collectors.joining(", ")) + ")");
    }
}
