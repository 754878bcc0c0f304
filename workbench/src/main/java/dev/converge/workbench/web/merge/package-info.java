/**
 * A merge decided column by column on the workbench's merge form: {@link dev.converge.workbench.web.merge.MergeForm}
 * reads the choices and makes the merged row, {@link dev.converge.workbench.web.merge.TypedValue} turns typed text into
 * a column's value.
 */
package dev.converge.workbench.web.merge;
