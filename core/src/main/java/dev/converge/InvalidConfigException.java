package dev.converge;

import dev.converge.config.ConfigError;

/** A configuration that does not fit the database; carries the {@link ConfigError} that says what to fix. */
public class InvalidConfigException extends ConvergeException {
    private final ConfigError error;

    public InvalidConfigException(ConfigError error) {
        super(error.toString());
        this.error = error;
    }

    public ConfigError error() {
        return error;
    }
}
