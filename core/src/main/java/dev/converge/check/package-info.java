/**
 * The consistency check: whether two peers hold the same replicated rows, found without shipping the rows. Each side
 * hashes its rows in a canonical encoding that is the same on every database ({@link dev.converge.check.RowDigest}),
 * sums the hashes per range of the key-hash space ({@link dev.converge.check.KeyHashRange},
 * {@link dev.converge.check.RangeSummary}), and only ranges whose sums differ are split further and, once small, listed
 * key by key. Differences are confirmed at matched watermarks ({@link dev.converge.check.Positions}): what is still in
 * flight between the two is not reported. {@link dev.converge.check.Comparison} runs it over two
 * {@link dev.converge.check.DigestSource}s: a database ({@link dev.converge.check.DatabaseDigests}) or a peer over the
 * network (in the node module).
 */
package dev.converge.check;
