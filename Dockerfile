# Multi-stage build: Maven builds the jar, a slim JRE runs it as a non-root user.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
# -Dno-embedded-db: no PostgreSQL binaries in the image (it runs against the compose PostgreSQL, SPRING_DATASOURCE_URL);
# without a datasource the app then refuses to start, saying so
RUN ./mvnw -B -q -Dno-embedded-db dependency:go-offline
COPY src src
COPY messages messages
RUN ./mvnw -B -q -Dno-embedded-db -DskipTests package && cp target/partnerka-*.jar /src/app.jar

FROM eclipse-temurin:17-jre
RUN groupadd --system partnerka && useradd --system --gid partnerka --home /app partnerka
WORKDIR /app
COPY --from=build /src/app.jar app.jar
COPY messages messages
RUN mkdir -p /app/data && chown -R partnerka:partnerka /app
USER partnerka
EXPOSE 8080
ENV PARTNERKA_DATA_DIR=/app/data
# fewer glibc malloc arenas: less resident memory with many threads (the benchmark runs the app the same way)
ENV MALLOC_ARENA_MAX=2
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=5 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /actuator/health HTTP/1.0\r\n\r\n" >&3 && grep -q UP <&3' || exit 1
# the serial collector: for a heap of a few hundred MB it cost a third less CPU per update than G1 and 20 % less
# resident memory in the benchmark (docs/performance.md, issue 14's third round); its pauses stay short at this size
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
