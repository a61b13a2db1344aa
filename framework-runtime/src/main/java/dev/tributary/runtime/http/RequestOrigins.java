package dev.tributary.runtime.http;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which {@code Host} names a listener answers to and which browser origins may call it: the
 * defence against DNS rebinding (a page on an attacker's name that resolves to 127.0.0.1) and
 * against cross-site requests from a browser (CSRF), including "simple" POSTs with no body.
 *
 * <p>Host: a loopback listener answers to {@code localhost}, 127.0.0.0/8 and {@code [::1]} plus
 * {@link #allowedHosts}; another listener to {@link #allowedHosts} when it is set, else to any
 * name. A request without a Host header (HTTP/1.0) passes, since browsers always send one.
 * Origin: a request carrying an {@code Origin} header, or {@code Sec-Fetch-Site: cross-site}, is
 * refused unless its origin is in {@link #allowedOrigins}; command-line clients send neither.
 * Immutable and thread-safe.
 *
 * @param allowedHosts further host names or addresses (without port), in lower case
 * @param allowedOrigins browser origins such as {@code https://console.example.com}, in lower case
 *     and without a trailing slash
 */
public record RequestOrigins(Set<String> allowedHosts, Set<String> allowedOrigins) {
    /** The worker setting of further host names. */
    public static final String HOSTS_KEY = "rest.allowed.hosts";
    /** The worker setting of browser origins. */
    public static final String ORIGINS_KEY = "rest.allowed.origins";
    /** Loopback names only, no browser origin: the default. */
    public static final RequestOrigins DEFAULT = new RequestOrigins(Set.of(), Set.of());

    public RequestOrigins {
        allowedHosts = normalized(requireNonNull(allowedHosts, "allowedHosts is null"));
        allowedOrigins = normalized(requireNonNull(allowedOrigins, "allowedOrigins is null"));
    }

    /** From the two settings' values, trimmed, blanks dropped. */
    public static RequestOrigins of(List<String> hosts, List<String> origins) {
        return new RequestOrigins(new LinkedHashSet<>(hosts), new LinkedHashSet<>(origins));
    }

    /**
     * Null when the request may go on, else the 403 to answer.
     *
     * @param loopbackListener whether the listener binds a loopback address
     * @param headers the request headers, names in lower case
     */
    Response check(boolean loopbackListener, Map<String, List<String>> headers) {
        List<String> hosts = headers.getOrDefault("host", List.of());
        if (hosts.size() > 1) {
            return Response.error(403, "Forbidden: the request names more than one Host");
        }
        if (hosts.size() == 1) {
            String host = hostName(hosts.get(0));
            boolean allowed = allowedHosts.contains(host) || (loopbackListener ? isLoopbackName(host) : allowedHosts.isEmpty());
            if (!allowed) {
                return Response.error(403, "Forbidden: this worker does not answer to the Host '"
                        + WorkerHttpServer.echo(hosts.get(0)) + "'; call it by "
                        + (loopbackListener ? "localhost, 127.0.0.1 or [::1]" : "one of its names")
                        + ", or add the name to the worker setting " + HOSTS_KEY);
            }
        }
        List<String> origins = headers.getOrDefault("origin", List.of());
        boolean crossSite = headers.getOrDefault("sec-fetch-site", List.of()).stream()
                .anyMatch(site -> site.trim().equalsIgnoreCase("cross-site"));
        if (!origins.isEmpty() || crossSite) {
            boolean allowed = !origins.isEmpty() && origins.stream().allMatch(o -> allowedOrigins.contains(normalize(o)));
            if (!allowed) {
                return Response.error(403, "Forbidden: requests from a browser page of another site are refused"
                        + (origins.isEmpty() ? "" : " (Origin '" + WorkerHttpServer.echo(origins.get(0)) + "')")
                        + "; list the origin in the worker setting " + ORIGINS_KEY + " to allow it");
            }
        }
        return null;
    }

    /** {@code Example.com:8083} is {@code example.com}, {@code [::1]:8083} is {@code ::1}. */
    static String hostName(String hostHeader) {
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close < 0 ? host : host.substring(1, close);
        }
        int colon = host.lastIndexOf(':');
        String name = colon < 0 ? host : host.substring(0, colon);
        // A fully qualified name may end with a dot; it is the same name.
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** localhost, an address in 127.0.0.0/8, or ::1, written as such; no name is resolved. */
    static boolean isLoopbackName(String host) {
        if (host.equals("localhost") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> normalized(Set<String> values) {
        Set<String> result = new LinkedHashSet<>();
        for (String value : values) {
            String normal = normalize(requireNonNull(value, "an allowed value is null"));
            if (!normal.isEmpty()) {
                result.add(normal.startsWith("[") && normal.endsWith("]") ? normal.substring(1, normal.length() - 1) : normal);
            }
        }
        return Set.copyOf(result);
    }

    private static String normalize(String value) {
        String normal = value.trim().toLowerCase(Locale.ROOT);
        return normal.endsWith("/") ? normal.substring(0, normal.length() - 1) : normal;
    }
}
