package io.emotionstream.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.function.Function;

/**
 * A camera's user name and password, resolved at each connection from where the camera list points
 * (so that a rotated Secret is picked up at the next reconnect): the URL's own user info, an
 * environment variable ({@code password-env}) or a file ({@code password-file}). Every password
 * read is handed to {@link Redaction} before it is used.
 */
record Credentials(String user, String password) {

  static final Credentials NONE = new Credentials(null, null);

  /** @param env the environment (normally {@code System::getenv}) */
  static Credentials resolve(CameraConfig camera, CameraUrl url, Function<String, String> env) throws CameraException {
    if (url.user() != null) {
      Redaction.remember(url.password());
      return new Credentials(url.user(), url.password());
    }
    if (camera.username() == null) {
      return NONE;
    }
    String password = null;
    if (camera.passwordEnv() != null) {
      password = env.apply(camera.passwordEnv());
      if (password == null || password.isEmpty()) {
        throw CameraException.lasting("the environment variable " + camera.passwordEnv()
            + " named by password-env is not set");
      }
    } else if (camera.passwordFile() != null) {
      try {
        password = Files.readString(camera.passwordFile(), StandardCharsets.UTF_8).strip();
      } catch (NoSuchFileException e) {
        throw CameraException.lasting("the password file " + camera.passwordFile() + " does not exist");
      } catch (IOException e) {
        throw CameraException.lasting("cannot read the password file " + camera.passwordFile() + ": "
            + e.getClass().getSimpleName());
      }
      if (password.isEmpty()) {
        throw CameraException.lasting("the password file " + camera.passwordFile() + " is empty");
      }
    }
    Redaction.remember(password);
    return new Credentials(camera.username(), password);
  }

  static Credentials resolve(CameraConfig camera, CameraUrl url) throws CameraException {
    Map<String, String> env = System.getenv();
    return resolve(camera, url, env::get);
  }

  /** The value of an HTTP {@code Authorization: Basic} header, or null without a user. */
  String basicAuthorization() {
    if (user == null) {
      return null;
    }
    String pair = user + ":" + (password == null ? "" : password);
    return "Basic " + java.util.Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return user == null ? "no credentials" : "user " + user + (password == null ? "" : " with a password");
  }
}
