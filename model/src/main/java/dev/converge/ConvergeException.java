package dev.converge;

/** The base of Converge's few exceptions: real failures only; conflicts are data, never exceptions. */
public class ConvergeException extends RuntimeException {
    public ConvergeException(String message) {
        super(message);
    }

    public ConvergeException(String message, Throwable cause) {
        super(message, cause);
    }
}
