package io.emotionstream;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of the README's architecture table: a package uses only packages below it,
 * and no two packages depend on each other; and which packages may use Kafka, picocli and DJL's
 * internals.
 */
class ArchitectureTest {

  /** Top to bottom, as in the README. */
  static final List<String> LAYERS = List.of("cli", "processor", "ingest", "ops", "stream", "train", "analysis", "track",
      "emotion", "model", "audit", "kafka", "inference", "frame", "detect", "torch", "weights", "policy", "config",
      "stats");

  private static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.emotionstream");
  }

  @Test
  void eachPackageUsesOnlyPackagesBelowIt() {
    LayeredArchitecture rule = layeredArchitecture().consideringOnlyDependenciesInLayers();
    for (String layer : LAYERS) {
      rule = rule.layer(layer).definedBy("io.emotionstream." + layer + "..");
    }
    for (int i = 0; i < LAYERS.size(); i++) {
      List<String> above = LAYERS.subList(0, i);
      if (!above.isEmpty()) {
        rule = rule.whereLayer(LAYERS.get(i)).mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
      } else {
        rule = rule.whereLayer(LAYERS.get(i)).mayNotBeAccessedByAnyLayer();
      }
    }
    rule.check(classes);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("io.emotionstream.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void theAnalysisOfAFrameIsFreeOfKafka() {
    noClasses().that().resideInAnyPackage("io.emotionstream.analysis..", "io.emotionstream.track..",
            "io.emotionstream.detect..", "io.emotionstream.frame..")
        .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
        .because("a frame's analysis, tracking, detection and images are plain Java, testable and usable without a"
            + " broker; Kafka stays in stream, kafka and above")
        .check(classes);
  }

  @Test
  void onlyTheCommandsUsePicocli() {
    noClasses().that().resideOutsideOfPackages("io.emotionstream.cli..", "io.emotionstream.train..")
        .should().dependOnClassesThat().resideInAPackage("picocli..")
        .because("options are the launcher's concern; the one exception is train.TrainingOptions, the training"
            + " run's configuration declared once as a picocli mixin (each field an option of train and bench"
            + " train, its initial value the default --help shows), which a copy in cli would have to keep in step")
        .check(classes);
    noClasses().that().resideInAPackage("io.emotionstream.train..")
        .and().haveNameNotMatching("io\\.emotionstream\\.train\\.TrainingOptions(\\$.*)?")
        .should().dependOnClassesThat().resideInAPackage("picocli..")
        .because("in train only TrainingOptions is a picocli mixin")
        .check(classes);
  }

  @Test
  void onlyTorchReachesIntoDjlInternals() {
    noClasses().that().resideOutsideOfPackage("io.emotionstream.torch..")
        .should().dependOnClassesThat().resideInAPackage("ai.djl.pytorch.jni..")
        .because("native and reflective access to DJL's libtorch binding lives behind torch's API, with its"
            + " self-checks, fallbacks and the emotionstream.torch.fallback switch")
        .check(classes);
    noClasses().that().resideOutsideOfPackage("io.emotionstream.torch..")
        .should().callMethodWhere(target(name("setAccessible")))
        .because("reflection past access checks (into DJL's private library handle) lives in torch")
        .check(classes);
  }
}
