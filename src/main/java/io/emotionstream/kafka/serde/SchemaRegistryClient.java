package io.emotionstream.kafka.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 */
public final class SchemaRegistryClient {

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http;
  private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
  private final Map<String, Integer> idBySubjectAndSchema = new ConcurrentHashMap<>();

  /** @param baseUrl e.g. {@code http://registry:8080/apis/ccompat/v7} */
  public SchemaRegistryClient(String baseUrl) {
    this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

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
    request = body == null ? request.GET()
        : request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RegistryException(-1, "cannot " + what + ": schema registry at " + base
          + " is unreachable (" + e + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(-1, "interrupted while trying to " + what, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new RegistryException(response.statusCode(), "cannot " + what + ": " + method + " " + uri
          + " answered " + response.statusCode() + " " + response.body(), null);
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new RegistryException(response.statusCode(), "cannot " + what + ": " + uri
          + " answered with invalid JSON: " + response.body(), e);
    }
  }

  /** A registry call failed; {@link #status()} is the HTTP status (-1 when there was no answer). */
  public static final class RegistryException extends RuntimeException {
    private final int status;

    RegistryException(int status, String message, Throwable cause) {
      super(message, cause);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }
}
