package dev.converge.catalog;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;

/**
 * Reads a column of an H2 row the way Converge carries it, never through {@code java.sql.Date/Time/Timestamp} (their
 * Julian calendar shifts days before 1582-10-15, {@code java.sql.Time} drops fractions of a second): dates and times as
 * {@code java.time} values, JSON as its text (H2's default object for JSON is its UTF-8 bytes), LOBs as their content,
 * arrays as Java arrays. The capture trigger and the apply engine's reads of local rows both read through here, so a
 * row captured and the same row read back compare equal. Stateless; thread-safe.
 */
public final class H2Values {
    private H2Values() {
    }

    /** Column {@code i} of the current row; {@code jdbcType} and {@code typeName} as the driver reports the column. */
    public static Object read(ResultSet rs, int i, int jdbcType, String typeName) throws SQLException {
        if ("UUID".equalsIgnoreCase(typeName)) {
            // H2 reports UUID as BINARY: its text, as PostgreSQL's capture writes it
            Object uuid = rs.getObject(i);
            return uuid == null ? null : uuid.toString();
        }
        Object value = switch (jdbcType) {
            case Types.DATE -> rs.getObject(i, LocalDate.class);
            case Types.TIME -> rs.getObject(i, LocalTime.class);
            case Types.TIMESTAMP -> rs.getObject(i, LocalDateTime.class);
            case Types.TIME_WITH_TIMEZONE -> rs.getObject(i, OffsetTime.class);
            case Types.TIMESTAMP_WITH_TIMEZONE -> rs.getObject(i, OffsetDateTime.class);
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> rs.getBytes(i);
            case Types.CLOB, Types.NCLOB -> rs.getString(i);
            case Types.ARRAY -> array(rs.getArray(i));
            default -> "JSON".equalsIgnoreCase(typeName) ? rs.getString(i) : rs.getObject(i);
        };
        return rs.wasNull() ? null : value;
    }

    private static Object array(Array array) throws SQLException {
        return array == null ? null : array.getArray();
    }
}
