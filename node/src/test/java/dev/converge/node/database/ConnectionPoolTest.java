package dev.converge.node.database;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which URLs the node's pool makes write every commit through ({@link ConnectionPool#durable}). */
class ConnectionPoolTest {
    @Test
    void anH2FileDatabaseWritesEveryCommitThrough() {
        assertEquals("jdbc:h2:./data/a;WRITE_DELAY=0", ConnectionPool.durable("jdbc:h2:./data/a"));
        assertEquals("jdbc:h2:file:/srv/a;AUTO_SERVER=FALSE;WRITE_DELAY=0", ConnectionPool.durable("jdbc:h2:file:/srv/a;AUTO_SERVER=FALSE"));
    }

    @Test
    void otherDatabasesAndAnExplicitSettingAreLeftAlone() {
        for (String url : new String[] {"jdbc:h2:mem:a", "jdbc:h2:tcp://db:9092/a", "jdbc:h2:./a;write_delay=100",
            "jdbc:postgresql://localhost/a"}) {
            assertEquals(url, ConnectionPool.durable(url));
        }
    }
}
