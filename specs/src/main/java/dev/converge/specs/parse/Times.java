package dev.converge.specs.parse;

import java.time.Duration;
import java.time.LocalTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scenario times ({@code "12:05"}, {@code "12:05:30"}) and clock skews ({@code "-5m"}, {@code "1h30m"}). */
final class Times {
    private static final Pattern CLOCK = Pattern.compile("(\\d{1,2}):(\\d{2})(?::(\\d{2}))?");
    private static final Pattern SKEW = Pattern.compile("([+-]?)(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    private Times() {
    }

    static LocalTime clock(YamlNode node, String path) {
        String text = Read.text(node, path).strip();
        Matcher m = CLOCK.matcher(text);
        if (m.matches()) {
            int hours = Integer.parseInt(m.group(1));
            int minutes = Integer.parseInt(m.group(2));
            int seconds = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
            if (hours < 24 && minutes < 60 && seconds < 60) {
                return LocalTime.of(hours, minutes, seconds);
            }
        }
        throw new Malformed(node.line(), path + ": bad time '" + text + "' (expected HH:MM or HH:MM:SS, e.g. \"12:05\")");
    }

    static Duration skew(YamlNode node, String path) {
        String text = Read.text(node, path).strip();
        Matcher m = SKEW.matcher(text);
        if (!m.matches() || (m.group(2) == null && m.group(3) == null && m.group(4) == null)) {
            throw new Malformed(node.line(), path + ": bad clock skew '" + text
                + "' (expected a signed duration with units s, m, h, e.g. \"-5m\", \"30s\", \"+1h30m\")");
        }
        Duration skew = Duration.ofHours(part(m.group(2))).plusMinutes(part(m.group(3))).plusSeconds(part(m.group(4)));
        return "-".equals(m.group(1)) ? skew.negated() : skew;
    }

    private static long part(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}
