package io.emotionstream;

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
 * and no two packages depend on each other.
 */
class ArchitectureTest {

  /** Top to bottom, as in the README. */
  static final List<String> LAYERS = List.of("cli", "processor", "ingest", "ops", "stream", "train", "analysis", "track",
      "emotion", "model", "audit", "kafka", "inference", "frame", "detect", "torch", "weights", "policy", "config");

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
}
