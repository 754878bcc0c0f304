package dev.converge.workbench.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;

/**
 * Renders the pages' JTE templates ({@code src/main/jte}, HTML mode: every {@code ${...}} is escaped for where it
 * stands). The templates are compiled to classes at build time (jte-maven-plugin), so a running node needs no Java
 * compiler and the shaded {@code converge.jar} serves them as it serves any class. Thread-safe (the engine is).
 */
final class Templates {
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(null, ContentType.Html, Templates.class.getClassLoader(),
        "dev.converge.workbench.web.templates");

    /** Renders {@code template} (e.g. {@code "list.jte"}) with its view model as the page, with this status. */
    void page(Context ctx, int status, String template, Object view) {
        StringOutput out = new StringOutput();
        engine.render(template, view, out);
        ctx.status(status).contentType("text/html; charset=utf-8").result(out.toString());
    }
}
