# emotion-stream container image.
#   CPU (default):  docker build -t emotion-stream .
#   GPU (CUDA):     docker build -t emotion-stream:gpu --build-arg FLAVOR=gpu .
# The GPU variant leaves out the CPU libtorch and lets DJL pick the CUDA build of libtorch that
# matches PYTORCH_FLAVOR at first start (see README, "GPUs").

ARG FLAVOR=cpu

# ---- build --------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
RUN apt-get update && apt-get install -y --no-install-recommends npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY .mvn .mvn
COPY pom.xml .
COPY scripts scripts
RUN bash scripts/fetch-assets.sh /src/.assets
RUN mvn -B -q dependency:go-offline -DexcludeGroupIds=io.apicurio || true
COPY schemas schemas
COPY config config
COPY src src
ARG FLAVOR
RUN mvn -B -q -DskipTests -P${FLAVOR} package \
 && mvn -B -q -P${FLAVOR} dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib

# ---- runtime: CPU -------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre-jammy AS runtime-cpu
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 \
 && rm -rf /var/lib/apt/lists/*

# ---- runtime: GPU -------------------------------------------------------------------------------
FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04 AS runtime-gpu
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless libjemalloc2 \
 && rm -rf /var/lib/apt/lists/*
ENV PYTORCH_FLAVOR=cu124

# ---- final ------------------------------------------------------------------------------------------
FROM runtime-${FLAVOR}
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin emotion
WORKDIR /app
COPY --from=build /src/target/lib /app/lib
COPY --from=build /src/target/emotion-stream-*.jar /app/lib/
COPY --from=build /src/.assets /app/assets
COPY --from=build /src/config /app/config
# libtorch frees and re-faults large buffers every batch: jemalloc without purging keeps them mapped
ENV LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \
    MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 \
    OMP_WAIT_POLICY=PASSIVE \
    EMOTION_STREAM_ASSETS=/app/assets \
    DJL_CACHE_DIR=/app/cache/djl \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Dorg.bytedeco.javacpp.cachedir=/app/cache/javacpp"
# unpack the native libraries and convert the pretrained weights once, at build time
RUN java -cp "/app/lib/*" io.emotionstream.cli.Main detect /app/assets/npm/vladmandic_face-api-1.7.15/demo/sample1.jpg >/dev/null \
 && mkdir -p /app/state \
 && chown -R emotion /app/cache /app/assets /app/state
USER 10001
EXPOSE 9400
HEALTHCHECK --interval=15s --timeout=3s CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9400 && printf 'GET /health/live HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '200 OK' <&3"]
ENTRYPOINT ["java", "-cp", "/app/lib/*", "io.emotionstream.cli.Main"]
CMD ["process"]
