package io.partnerka.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The zero-configuration database: with no {@code SPRING_DATASOURCE_URL} a real PostgreSQL server
 * (binaries from a Maven artifact) starts on a free loopback port, its data kept under {@code ./data/postgres},
 * durable and password-protected (see {@link EmbeddedDatabase}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
class EmbeddedDatabaseConfiguration {

    @Bean(destroyMethod = "close")
    EmbeddedDatabase embeddedDatabase(@Value("${partnerka.embedded-db.dir:./data/postgres}") String dir,
                                      @Value("${partnerka.embedded-db.clean:false}") boolean clean,
                                      @Value("${partnerka.embedded-db.durable:true}") boolean durable) throws IOException {
        return EmbeddedDatabase.start(Path.of(dir), clean, durable);
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(EmbeddedDatabase database,
                                @Value("${spring.datasource.hikari.maximum-pool-size:20}") int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.jdbcUrl("postgres"));
        config.setUsername(EmbeddedDatabase.SUPERUSER);
        config.setPassword(database.password());
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("embedded");
        return new HikariDataSource(config);
    }
}
