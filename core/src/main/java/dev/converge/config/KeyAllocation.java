package dev.converge.config;

/**
 * How this node's identity columns and sequences hand out numbers so that no two peers hand out the same one: every
 * peer of the mesh uses the same {@code stride} and its own {@code offset}, and this node's generators only ever
 * produce values {@code v} with {@code v mod stride == offset mod stride} (offset 1..stride). With stride 10, node A
 * (offset 1) inserts 11, 21, 31 … and node B (offset 2) 12, 22, 32 …, so two peers inserting "the next order" at once
 * no longer collide. Leave room to grow: a stride of 10 allows up to ten nodes.
 *
 * <p>Applied when the node opens (see {@link dev.converge.Node#open}): each replicated table's identity column (and on
 * PostgreSQL a {@code serial} column's sequence) is set to increment by {@code stride} and to continue at the first
 * value of this node's class above both the generator's next value and the greatest value in the column. Opening
 * again changes nothing. Rows that arrive from peers move the generator past them within the same class.
 *
 * @param stride how many nodes the scheme has room for, at least 1 (1 means no allocation)
 * @param offset this node's place, 1..stride; every peer must have a different one
 */
public record KeyAllocation(int stride, int offset) {
    public KeyAllocation {
        if (stride < 1) {
            throw new IllegalArgumentException("key allocation stride must be at least 1, not " + stride);
        }
        if (offset < 1 || offset > stride) {
            throw new IllegalArgumentException("key allocation offset must be between 1 and the stride (" + stride + "), not " + offset);
        }
    }

    /** The smallest value of this node's class that is at least {@code atLeast}. */
    public long firstAtOrAbove(long atLeast) {
        return firstAtOrAbove(atLeast, offset, stride);
    }

    /** The smallest {@code v >= atLeast} with {@code v ≡ residue (mod modulus)}; {@code modulus >= 1}. */
    public static long firstAtOrAbove(long atLeast, long residue, long modulus) {
        long shift = Math.floorMod(residue - atLeast, modulus);
        return Math.addExact(atLeast, shift);
    }
}
