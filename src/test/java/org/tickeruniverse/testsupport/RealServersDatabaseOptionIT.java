package org.tickeruniverse.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

@RealServers(database = "tu_other")
class RealServersDatabaseOptionIT {

  @Test
  void urlNamesTheConfiguredDatabaseWhichIsNotCreated(MariaDbServer mariadb) {
    assertThat(mariadb.database()).isEqualTo("tu_other");
    assertThat(mariadb.url()).endsWith(":" + mariadb.port() + "/tu_other");
    assertThat(mariadb.url("x")).endsWith(":" + mariadb.port() + "/x");
    assertThat(
            mariadb.query(
                "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'tu_other'"))
        .containsExactly(List.of("0"));
  }
}
