/**
 * Peers over HTTP: where a peer listens ({@link dev.converge.node.peer.PeerEndpoint}) and the secret a pair shares
 * ({@link dev.converge.node.peer.Secret}). Internal to the node module apart from these two records.
 */
package dev.converge.node.peer;
