package dev.tributary.runtime.datagen;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The value of a datagen record: ASCII, exactly the configured size, starting with the record's id.
 *
 * <p>When it fits, which it does for every id of at most the size minus 18 bytes, the value is a
 * JSON object, {@code {"id":"3-17","pad":"xxxx…xxxx"}}, with as many {@code x} as make up the size.
 * Otherwise it is the bare id followed by spaces. {@link #idOf} reads the id back from either form.
 */
public final class DatagenPayload {
    private static final byte[] OPEN = "{\"id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MIDDLE = "\",\"pad\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "\"}".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern ID = Pattern.compile("\\d+-\\d+");

    private DatagenPayload() {
    }

    /**
     * A value of exactly {@code size} bytes holding {@code id}, which is ASCII and at most
     * {@code size} long; the same id and size always give the same bytes, so tests can check a
     * delivered value byte for byte.
     */
    public static byte[] encode(String id, int size) {
        byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
        if (idBytes.length > size) {
            throw new IllegalArgumentException("id " + id + " does not fit in " + size + " bytes");
        }
        byte[] value = new byte[size];
        int framed = OPEN.length + idBytes.length + MIDDLE.length + CLOSE.length;
        if (framed > size) {
            System.arraycopy(idBytes, 0, value, 0, idBytes.length);
            Arrays.fill(value, idBytes.length, size, (byte) ' ');
            return value;
        }
        int at = put(value, 0, OPEN);
        at = put(value, at, idBytes);
        at = put(value, at, MIDDLE);
        int padEnd = size - CLOSE.length;
        Arrays.fill(value, at, padEnd, (byte) 'x');
        put(value, padEnd, CLOSE);
        return value;
    }

    private static int put(byte[] target, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, target, at, bytes.length);
        return at + bytes.length;
    }

    /**
     * The id, such as {@code "3-17"}, that a datagen record's value starts with.
     *
     * @throws IllegalArgumentException when {@code value} is not a datagen value
     */
    public static String idOf(byte[] value) {
        requireNonNull(value, "value is null");
        boolean framed = value.length >= OPEN.length
                && Arrays.equals(value, 0, OPEN.length, OPEN, 0, OPEN.length);
        int start = framed ? OPEN.length : 0;
        byte end = framed ? (byte) '"' : (byte) ' ';
        int stop = start;
        while (stop < value.length && value[stop] != end) {
            stop++;
        }
        String id = new String(value, start, stop - start, StandardCharsets.US_ASCII);
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a datagen value: it does not start with a record id");
        }
        return id;
    }
}
