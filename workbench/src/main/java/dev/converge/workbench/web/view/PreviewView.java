package dev.converge.workbench.web.view;

/** The merged row before it is written, with the choices carried to the confirmation. Immutable. */
public record PreviewView(Frame frame, long id, String asOf, String comment, String table, String key, java.util.List<PreviewCell> cells, java.util.List<Hidden> choices) {
}
