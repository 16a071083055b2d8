package org.tickeruniverse;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/DESIGN.md ("Packages"): no cycle between packages, and the root package
 * (Main, Node: the wiring) depends on the others, never the reverse.
 */
class PackageRulesTest {

  static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    // Both rules look only at dependencies between this project's classes, which the bytecode of
    // the imported classes names in full; resolving the Vert.x, Netty, ... classes they point to
    // from the class path (ArchUnit's default) cost about a second and changed no dependency
    // between our packages (the same set with and without, checked when this was turned off).
    ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
    try {
      main =
          new ClassFileImporter()
              .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
              .importPackages("org.tickeruniverse");
    } finally {
      ArchConfiguration.get().reset();
    }
  }

  @Test
  void noCycleBetweenPackages() {
    slices().matching("org.tickeruniverse.(*)..").should().beFreeOfCycles().check(main);
  }

  @Test
  void nothingDependsOnTheWiring() {
    noClasses()
        .that()
        .resideOutsideOfPackage("org.tickeruniverse")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.tickeruniverse")
        .check(main);
  }
}
