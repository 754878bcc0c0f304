package dev.converge.workbench.user;

import java.util.Objects;

/**
 * A person who may use the workbench on this node.
 *
 * @param name the login name
 * @param role what they may do
 * @param passwordHash their password's hash (never the password itself)
 */
public record WorkbenchUser(String name, Role role, PasswordHash passwordHash) {
    public WorkbenchUser {
        Objects.requireNonNull(name);
        Objects.requireNonNull(role);
        Objects.requireNonNull(passwordHash);
    }

    /** What a workbench user may do. */
    public enum Role {
        /** Sees conflicts. */
        VIEWER("viewer"),
        /** Sees conflicts and resolves them by hand. */
        RESOLVER("resolver");

        private final String word;

        Role(String word) {
            this.word = word;
        }

        /** How the configuration file writes it. */
        public String word() {
            return word;
        }
    }
}
