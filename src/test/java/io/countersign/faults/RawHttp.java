package io.countersign.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately dumb HTTP/1.1 client over a plain socket (JDK only, so the bench programs can
 * use it too). Unlike java.net.http it sends whatever bytes it is given: invalid UTF-8 or
 * malformed percent-escapes in the path, any header, any body. One request per connection.
 */
public final class RawHttp {

    /** One exchange's outcome; {@code status} is -1 when no status line came back. */
    public record Response(int status, Map<String, String> headers, byte[] body, String transportError) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final String host;
    private final int port;
    private final int timeoutMillis;

    public RawHttp(String baseUrl, int timeoutMillis) {
        URI u = URI.create(baseUrl);
        this.host = u.getHost();
        this.port = u.getPort() < 0 ? 80 : u.getPort();
        this.timeoutMillis = timeoutMillis;
    }

    /** Sends {@code rawTarget} (path and query, sent byte for byte) with the given headers and body. */
    public Response send(String method, byte[] rawTarget, List<String[]> headers, byte[] body) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            head.writeBytes(method.getBytes(StandardCharsets.ISO_8859_1));
            head.write(' ');
            head.writeBytes(rawTarget);
            head.writeBytes(" HTTP/1.1\r\nHost: ".getBytes(StandardCharsets.ISO_8859_1));
            head.writeBytes((host + ":" + port + "\r\nConnection: close\r\n").getBytes(StandardCharsets.ISO_8859_1));
            for (String[] h : headers) {
                head.writeBytes(h[0].getBytes(StandardCharsets.ISO_8859_1));
                head.writeBytes(": ".getBytes(StandardCharsets.ISO_8859_1));
                // Header values go out as UTF-8 bytes: servers must cope with non-ASCII there too.
                head.writeBytes(h[1].getBytes(StandardCharsets.UTF_8));
                head.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            if (body != null) {
                head.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            head.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String writeError = null;
            try {
                OutputStream out = s.getOutputStream();
                out.write(head.toByteArray());
                if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (IOException e) {
                // The server may answer (413) and close before it read everything: still read the answer.
                writeError = "write: " + e.getMessage();
            }
            byte[] raw;
            try {
                raw = readAll(s.getInputStream());
            } catch (IOException e) {
                return new Response(-1, Map.of(), new byte[0], (writeError == null ? "" : writeError + "; ")
                        + "read: " + e.getClass().getSimpleName() + " " + e.getMessage());
            }
            return parse(raw, writeError);
        } catch (IOException e) {
            return new Response(-1, Map.of(), new byte[0], "connect: " + e.getMessage());
        }
    }

    /** Convenience for well-formed requests with a String target and body. */
    public Response send(String method, String target, List<String[]> headers, String body) {
        return send(method, target.getBytes(StandardCharsets.UTF_8), headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[16384];
        int n;
        while ((n = in.read(b)) > 0) {
            buf.write(b, 0, n);
        }
        return buf.toByteArray();
    }

    private static Response parse(byte[] raw, String writeError) {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
        if (end < 0) {
            return new Response(-1, Map.of(), raw, (writeError == null ? "" : writeError + "; ")
                    + "no complete response head (" + raw.length + " bytes)");
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (RuntimeException e) {
            return new Response(-1, Map.of(), raw, "bad status line: " + lines[0]);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) {
                headers.merge(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Response(status, headers, body, null);
    }

    private static byte[] dechunk(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < b.length) {
            int eol = indexOf(b, new byte[] { '\r', '\n' }, i);
            if (eol < 0) {
                break;
            }
            String sizeLine = new String(b, i, eol - i, StandardCharsets.ISO_8859_1);
            int semi = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (size == 0) {
                break;
            }
            int from = eol + 2;
            out.write(b, from, Math.min(size, b.length - from));
            i = from + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
