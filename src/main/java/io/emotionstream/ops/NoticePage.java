package io.emotionstream.ops;

import io.emotionstream.config.Settings;
import io.emotionstream.policy.CameraPolicies;
import io.emotionstream.policy.CameraPolicy;
import io.emotionstream.policy.RetentionPolicy;
import io.emotionstream.policy.StatsDisclosure;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The notice for the people a site's cameras film ({@code /notice}, {@code /notice?site=ID}): that
 * emotion recognition is in use (EU AI Act Art. 50(3)), where and why (each analysed camera's zone
 * and purpose, an exemption's reason), what is inferred and what is not, how long what is kept
 * stays, and whom to contact (GDPR Art. 13). Built from the camera policies in force and the
 * settings, so that it always says what the processor does; the operator adds who is responsible
 * and how to reach them ({@code notice.controller}, {@code notice.contact}, {@code notice.text},
 * each also per site with {@code .SITE} appended). A printable sign linking here:
 * {@code docs/signage-template.md}.
 */
public final class NoticePage {

  private final Settings settings;
  private final Supplier<CameraPolicies> cameras;
  private final Supplier<List<String>> labels;

  /**
   * @param cameras the policies in force
   * @param labels the labels of the model in service (empty while none is loaded)
   */
  public NoticePage(Settings settings, Supplier<CameraPolicies> cameras, Supplier<List<String>> labels) {
    this.settings = settings;
    this.cameras = cameras;
    this.labels = labels;
  }

  /** The text of {@code key} for {@code site}: {@code key.SITE}, else {@code key}, else empty. */
  String text(String key, String site) {
    String general = settings.string(key, "");
    return site == null ? general : settings.string(key + "." + site, general);
  }

  /** The sites of the cameras in force (cameras without a site count as one site without a name). */
  List<String> sites() {
    TreeSet<String> sites = new TreeSet<>();
    for (CameraPolicy c : cameras.get().all()) {
      sites.add(c.site() == null ? "" : c.site());
    }
    return List.copyOf(sites);
  }

  /**
   * @param site the site asked for, or null: the only site, or a list of sites to choose from
   * @return the page, or null when there is no such site
   */
  String html(String site) {
    List<String> sites = sites();
    if (site == null && sites.size() > 1) {
      StringBuilder list = new StringBuilder();
      for (String s : sites) {
        list.append("<li><a href=\"/notice?site=").append(escape(s)).append("\">")
            .append(escape(s.isEmpty() ? "(cameras without a site)" : s)).append("</a></li>");
      }
      return page("Emotion recognition: notices", "<p>Choose the site:</p><ul>" + list + "</ul>");
    }
    String chosen = site != null ? site : sites.isEmpty() ? null : sites.get(0);
    if (site != null && !sites.contains(site)) {
      return null;
    }
    String siteKey = chosen == null || chosen.isEmpty() ? null : chosen;
    List<CameraPolicy> here = cameras.get().all().stream()
        .filter(c -> Objects.equals(c.site() == null ? "" : c.site(), chosen == null ? "" : chosen)).toList();
    List<CameraPolicy> analysed = here.stream().filter(CameraPolicy::analysed).toList();
    StringBuilder b = new StringBuilder();
    if (analysed.isEmpty()) {
      b.append("<p class=\"lead\">No camera").append(siteKey == null ? "" : " at " + escape(siteKey))
          .append(" is used to recognise emotions.</p>");
    } else {
      b.append("<p class=\"lead\">At ").append(escape(siteKey == null ? "this site" : siteKey))
          .append(", cameras are used to recognise the <strong>apparent facial expression</strong> of the people"
              + " they film (emotion recognition, EU AI Act Art. 50(3)).</p>");
      b.append("<h2>Where and why</h2><table><tr><th>camera</th><th>area</th><th>purpose</th></tr>");
      for (CameraPolicy c : analysed) {
        b.append("<tr><td>").append(escape(c.id())).append("</td><td>")
            .append(escape(c.zone() == null ? c.context().code() : c.zone() + " (" + c.context().code() + ")"))
            .append("</td><td>").append(escape(c.purpose()));
        if (c.exemption() != null) {
          b.append("<br><em>").append(escape(c.exemption().reason().code())).append(" exemption: ")
              .append(escape(c.exemption().justification())).append("</em>");
        }
        if (!c.masks().isEmpty()) {
          b.append("<br>Faces in ").append(c.masks().size() == 1 ? "one masked area" : c.masks().size()
              + " masked areas").append(" of this camera's view are ignored.");
        }
        b.append("</td></tr>");
      }
      b.append("</table>");
      if (analysed.size() < here.size()) {
        b.append("<p>").append(here.size() - analysed.size()).append(here.size() - analysed.size() == 1
            ? " other camera here is" : " other cameras here are").append(" not used for emotion recognition.</p>");
      }
      b.append(inferred());
      b.append(kept());
    }
    b.append("<h2>Who is responsible</h2><p>").append(orUnset(text("notice.controller", siteKey))).append("</p>");
    b.append("<h2>Questions, objections, your rights</h2><p>").append(orUnset(text("notice.contact", siteKey)))
        .append("</p>");
    String more = text("notice.text", siteKey);
    if (!more.isBlank()) {
      b.append("<p>").append(escape(more)).append("</p>");
    }
    return page("Emotion recognition" + (siteKey == null ? "" : " at " + siteKey), b.toString());
  }

  private String inferred() {
    List<String> l = labels.get();
    double minConfidence = settings.decimal("emotion.min-confidence");
    StringBuilder b = new StringBuilder("<h2>What is inferred, and what is not</h2><ul>");
    b.append("<li>For each face: which expression it appears to show");
    if (!l.isEmpty()) {
      b.append(" (one of ").append(escape(String.join(", ", l))).append(")");
    }
    b.append(", with a confidence");
    if (minConfidence > 0) {
      b.append(String.format(Locale.ROOT, "; below %.0f%% the answer is \"unknown\"", minConfidence * 100));
    }
    b.append(". This is how a face looks, not how a person feels.</li>");
    b.append("<li>Faces are followed from frame to frame under a random number, to count people and how long"
        + " they stay. Nobody is identified: no face is compared with any list of faces, and the same person seen"
        + " later gets a new number.</li>");
    b.append("<li>No picture of a face leaves the analysis.</li></ul>");
    return b.toString();
  }

  private String kept() {
    RetentionPolicy r = RetentionPolicy.from(settings);
    StatsDisclosure d = StatsDisclosure.from(settings);
    boolean keepPixels = settings.bool("dead-letter.keep-pixels");
    return "<h2>What is kept, and for how long</h2><ul>"
        + "<li>Camera pictures: deleted after " + RetentionPolicy.describe(r.framesMs())
        + " (the analysis needs them for seconds)"
        + (keepPixels ? "; pictures that could not be analysed are kept for " + RetentionPolicy.describe(r.deadLetterMs())
            + " to find the fault" : "") + ".</li>"
        + "<li>One record per face (position, expression, confidence, random number): "
        + RetentionPolicy.describe(r.eventsMs()) + ".</li>"
        + "<li>One record per person followed (time in view, most frequent expression): "
        + RetentionPolicy.describe(r.tracksMs()) + ".</li>"
        + "<li>Counts per camera and minute: " + RetentionPolicy.describe(r.statsMs())
        + (d.minPeople() > 1 ? "; a minute with fewer than " + d.minPeople() + " people shows no counts" : "")
        + ".</li></ul>";
  }

  private static String orUnset(String value) {
    return value == null || value.isBlank() ? "<em>not configured yet: please ask the staff</em>" : escape(value);
  }

  private static String page(String title, String body) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\""
        + "width=device-width, initial-scale=1\"><title>" + escape(title) + "</title><style>body{font-family:"
        + "system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.45}table{border-collapse:"
        + "collapse}td,th{border:1px solid #999;padding:.3em .6em;text-align:left;vertical-align:top}.lead{font-size:"
        + "1.15em}</style></head><body><h1>" + escape(title) + "</h1>" + body + "</body></html>";
  }

  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
