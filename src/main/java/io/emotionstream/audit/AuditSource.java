package io.emotionstream.audit;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Who makes a change: a command or a processor instance, with the operating-system user and host. */
public final class AuditSource {

  private AuditSource() {}

  /** {@code what}, followed by the user and host, e.g. {@code "models promote (user ops on host build-3)"}. */
  public static String of(String what) {
    return what + " (user " + System.getProperty("user.name", "unknown") + " on host " + host() + ")";
  }

  /** A processor instance: its application id, instance id when set, host and process id. */
  public static String processor(String applicationId, String instanceId) {
    return "processor " + applicationId + (instanceId == null || instanceId.isBlank() ? "" : " instance " + instanceId)
        + " (pid " + ProcessHandle.current().pid() + ", user " + System.getProperty("user.name", "unknown")
        + " on host " + host() + ")";
  }

  static String host() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
