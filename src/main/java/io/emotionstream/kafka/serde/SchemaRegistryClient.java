package io.emotionstream.kafka.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;

/**
 * A client of the Confluent-compatible schema registry REST API ({@code POST
 * /subjects/{subject}/versions}, {@code POST /subjects/{subject}}, {@code GET /schemas/ids/{id}}),
 * as served by Confluent Schema Registry, Apicurio Registry ({@code /apis/ccompat/v7}), Karapace and
 * Redpanda. Results are cached: each schema is registered or fetched once per process.
 *
 * <p>Why our own: Confluent's client is not published to Maven Central, and Apicurio's serdes speak
 * Apicurio's native API and id scheme; the three calls above are the whole contract the Confluent
 * wire format needs, and the JDK's HTTP client plus Jackson cover them in a page of code.
 *
 * <p>A secured registry: HTTP basic credentials ({@code schema.registry.basic.auth.*}, with the
 * names Confluent's clients use) or a bearer token, and a trust store for a private CA. Credentials
 * never appear in messages: URLs are printed without their user info ({@link #redact(String)}).
 */
public final class SchemaRegistryClient {

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http;
  private final String authorization;
  private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
  private final Map<String, Integer> idBySubjectAndSchema = new ConcurrentHashMap<>();
  /** When calls started failing for want of the registry (wall ms), 0 while it answers. */
  private volatile long unavailableSince;
  private volatile String lastProblem;

  /** An unsecured registry. @param baseUrl e.g. {@code http://registry:8080/apis/ccompat/v7} */
  public SchemaRegistryClient(String baseUrl) {
    this(baseUrl, null, null);
  }

  /**
   * @param baseUrl the registry; user info in it is never sent as is nor printed
   * @param authorization value of the {@code Authorization} header, or null
   * @param ssl trust for {@code https} registries, or null for the JVM's default trust store
   */
  public SchemaRegistryClient(String baseUrl, String authorization, SSLContext ssl) {
    URI given = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    this.base = withoutUserInfo(given);
    this.authorization = authorization;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (ssl != null) {
      builder.sslContext(ssl);
    }
    this.http = builder.build();
  }

  /**
   * From {@code schema.registry.url} and the optional {@code schema.registry.basic.auth.credentials.source}
   * ({@code USER_INFO}: {@code schema.registry.basic.auth.user.info} = {@code user:password};
   * {@code URL}: the user info of the URL), {@code schema.registry.bearer.auth.token} and
   * {@code schema.registry.ssl.truststore.location / .password / .type}.
   */
  public static SchemaRegistryClient from(Settings settings) {
    String url = settings.string("schema.registry.url");
    String source = settings.string("schema.registry.basic.auth.credentials.source", "").trim().toUpperCase(Locale.ROOT);
    String bearer = settings.string("schema.registry.bearer.auth.token", "");
    String userInfo = switch (source) {
      case "" -> null;
      case "USER_INFO" -> {
        String info = settings.string("schema.registry.basic.auth.user.info", "");
        if (!info.contains(":")) {
          throw new IllegalArgumentException("schema.registry.basic.auth.user.info (from "
              + settings.source("schema.registry.basic.auth.user.info") + ") must be user:password");
        }
        yield info;
      }
      case "URL" -> {
        String info = URI.create(url).getRawUserInfo();
        if (info == null) {
          throw new IllegalArgumentException("schema.registry.basic.auth.credentials.source=URL but "
              + "schema.registry.url " + redact(url) + " holds no user:password@");
        }
        yield java.net.URLDecoder.decode(info, StandardCharsets.UTF_8);
      }
      default -> throw new IllegalArgumentException("schema.registry.basic.auth.credentials.source (from "
          + settings.source("schema.registry.basic.auth.credentials.source") + ") must be USER_INFO or URL");
    };
    if (userInfo != null && !bearer.isBlank()) {
      throw new IllegalArgumentException("both basic credentials and schema.registry.bearer.auth.token are set: use one");
    }
    String authorization = userInfo != null
        ? "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8))
        : bearer.isBlank() ? null : "Bearer " + bearer.trim();
    return new SchemaRegistryClient(url, authorization, sslContext(settings));
  }

  private static SSLContext sslContext(Settings settings) {
    String location = settings.string("schema.registry.ssl.truststore.location", "");
    if (location.isBlank()) {
      return null;
    }
    String password = settings.string("schema.registry.ssl.truststore.password", "");
    String type = settings.string("schema.registry.ssl.truststore.type", "PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      KeyStore trust = KeyStore.getInstance(type);
      trust.load(in, password.isEmpty() ? null : password.toCharArray());
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, factory.getTrustManagers(), null);
      return ssl;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load schema.registry.ssl.truststore.location " + location
          + " (type " + type + ", from " + settings.source("schema.registry.ssl.truststore.location") + "): " + e, e);
    }
  }

  /** {@code url} without its user info ({@code https://user:pw@host/} becomes {@code https://***@host/}). */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    try {
      URI uri = new URI(url);
      if (uri.getRawUserInfo() == null) {
        return url;
      }
      return new URI(uri.getScheme(), "***", uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
          uri.getFragment()).toString();
    } catch (URISyntaxException e) {
      int at = url.lastIndexOf('@');
      int scheme = url.indexOf("://");
      return at > scheme && scheme >= 0 ? url.substring(0, scheme + 3) + "***" + url.substring(at) : url;
    }
  }

  private static URI withoutUserInfo(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri;
    }
    try {
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("schema registry URL " + redact(uri.toString()) + " is not valid", e);
    }
  }

  /** The registry's URL, without credentials: safe to print. */
  public String baseUrl() {
    return base.toString();
  }

  /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
  public int register(String subject, Schema schema) {
    return idBySubjectAndSchema.computeIfAbsent(subject + '\0' + schema.toString(), k -> {
      JsonNode reply = call("POST", "subjects/" + subject + "/versions", body(schema),
          "register schema " + schema.getFullName() + " under subject " + subject);
      int id = reply.path("id").asInt(-1);
      byId.putIfAbsent(id, schema);
      return id;
    });
  }

  /**
   * Sets the compatibility level of {@code subject} ({@code PUT /config/{subject}}); the registry then
   * refuses a new version that breaks it. Works before the subject's first version.
   */
  public void setCompatibility(String subject, CompatibilityLevel level) {
    String body = JSON.createObjectNode().put("compatibility", level.name()).toString();
    call("PUT", "config/" + subject, body, "set the compatibility level of subject " + subject + " to " + level);
  }

  /** The compatibility level of {@code subject}, or the registry's global level when it has none of its own. */
  public String compatibility(String subject) {
    JsonNode reply;
    try {
      reply = call("GET", "config/" + subject, null, "read the compatibility level of subject " + subject);
    } catch (RegistryException e) {
      if (e.status() != 404) {
        throw e;
      }
      reply = call("GET", "config", null, "read the registry's compatibility level");
    }
    return reply.path("compatibilityLevel").asText(reply.path("compatibility").asText(""));
  }

  /** Looks up the id of an already registered {@code schema} under {@code subject}. */
  public int lookup(String subject, Schema schema) {
    return idBySubjectAndSchema.computeIfAbsent(subject + '\0' + schema.toString(), k -> {
      JsonNode reply = call("POST", "subjects/" + subject, body(schema),
          "look up schema " + schema.getFullName() + " under subject " + subject
              + " (auto-registration is off: register it first)");
      int id = reply.path("id").asInt(-1);
      byId.putIfAbsent(id, schema);
      return id;
    });
  }

  /** The schema with global id {@code id}. */
  public Schema schemaById(int id) {
    Schema cached = byId.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode reply = call("GET", "schemas/ids/" + id, null, "fetch schema id " + id);
    Schema schema = new Schema.Parser().parse(reply.path("schema").asText());
    byId.putIfAbsent(id, schema);
    return schema;
  }

  private static String body(Schema schema) {
    return JSON.createObjectNode().put("schema", schema.toString()).toString();
  }

  private JsonNode call(String method, String path, String body, String what) {
    URI uri = base.resolve(path);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Accept", CONTENT_TYPE + ", application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    request = body == null ? request.GET()
        : request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw unavailable(new RegistryException(-1, "cannot " + what + ": schema registry at " + base
          + " is unreachable (" + e + ")", e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(-1, "interrupted while trying to " + what, e);
    }
    if (response.statusCode() / 100 != 2) {
      RegistryException e = new RegistryException(response.statusCode(), "cannot " + what + ": " + method + " " + uri
          + " answered " + response.statusCode() + " " + abbreviate(response.body()), null);
      throw e.unavailable() ? unavailable(e) : e;
    }
    unavailableSince = 0;
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new RegistryException(response.statusCode(), "cannot " + what + ": " + uri
          + " answered with invalid JSON: " + response.body(), e);
    }
  }

  private RegistryException unavailable(RegistryException e) {
    if (unavailableSince == 0) {
      unavailableSince = System.currentTimeMillis();
    }
    lastProblem = e.getMessage();
    return e;
  }

  private static String abbreviate(String body) {
    return body == null || body.length() <= 500 ? body : body.substring(0, 500) + "...";
  }

  /**
   * Since when calls fail for want of the registry (unreachable, 5xx, or any answer but "not
   * found"), in epoch ms; 0 while it answers. Cleared by the next call that succeeds.
   */
  public long unavailableSince() {
    return unavailableSince;
  }

  /** The last failure that made the registry unavailable, or null. */
  public String lastProblem() {
    return lastProblem;
  }

  /** A registry call failed; {@link #status()} is the HTTP status (-1 when there was no answer). */
  public static final class RegistryException extends RuntimeException {
    private final int status;

    public RegistryException(int status, String message, Throwable cause) {
      super(message, cause);
      this.status = status;
    }

    public int status() {
      return status;
    }

    /**
     * Whether the registry could not serve the call, through no fault of what was asked: no answer,
     * a server error (5xx), a timeout or rate limit (408, 429), or a refused credential (401, 403: a
     * configuration to fix, not a bad record). Only "not found" (404), "conflict" (409, an
     * incompatible schema) and malformed requests (400, 422) are answers about the request itself.
     */
    public boolean unavailable() {
      return status < 0 || status >= 500 || status == 408 || status == 429 || status == 401 || status == 403;
    }
  }
}
