# The one image of every role: build the jar first (mvn -B -DskipTests package), then
# docker compose up --build. The role is the command: gateway, issuer, writer, all, replay, lag.
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY target/lib/ /app/lib/
COPY target/coupon-issuer.jar /app/coupon-issuer.jar
ENV COUPON_HTTP_HOST=0.0.0.0 \
    COUPON_STATE_DIR=/var/lib/coupon-issuer/streams
VOLUME /var/lib/coupon-issuer
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/coupon-issuer.jar"]
