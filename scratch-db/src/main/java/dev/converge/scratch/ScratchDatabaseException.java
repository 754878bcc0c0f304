package dev.converge.scratch;

/** No scratch database could be provided: the configured server does not answer, or the embedded one cannot start. */
public final class ScratchDatabaseException extends RuntimeException {
    public ScratchDatabaseException(String message) {
        super(message);
    }

    public ScratchDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
