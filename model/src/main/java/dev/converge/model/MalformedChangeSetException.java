package dev.converge.model;

import dev.converge.ConvergeException;

/** A ChangeSet or row image that cannot be read: the message says which part and why; nothing of it is applied. */
public class MalformedChangeSetException extends ConvergeException {
    public MalformedChangeSetException(String message) {
        super(message);
    }
}
