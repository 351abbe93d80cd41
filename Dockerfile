# emotion-stream container image.
#   CPU (default):  docker build -t emotion-stream .
#   GPU (CUDA):     docker build -t emotion-stream:gpu --build-arg FLAVOR=gpu .
# The GPU variant leaves out the CPU libtorch and carries DJL's CUDA 12.8 build of libtorch 2.7.1
# (the build DJL 0.36 loads: PyTorch 2.7 ships CUDA 11.8, 12.6 and 12.8) in its DJL cache, so it
# starts without network access (see README, "GPUs").

ARG FLAVOR=cpu
# base images, replaceable (scripts/image-check.sh builds on bases made locally from Debian packages)
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_CPU_IMAGE=eclipse-temurin:17-jre-jammy
ARG LIBTORCH_FETCH_IMAGE=debian:bookworm-slim
ARG CUDA_RUNTIME_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04

# ---- build --------------------------------------------------------------------------------------
FROM ${BUILD_IMAGE} AS build
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
FROM ${RUNTIME_CPU_IMAGE} AS runtime-cpu
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 \
 && rm -rf /var/lib/apt/lists/*

# ---- libtorch for CUDA (not on Maven Central: DJL publishes it on publish.djl.ai) -----------------
FROM ${LIBTORCH_FETCH_IMAGE} AS libtorch-gpu
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && rm -rf /var/lib/apt/lists/*
COPY scripts/fetch-libtorch-cuda.sh /fetch-libtorch-cuda.sh
RUN bash /fetch-libtorch-cuda.sh /djl 2.7.1 cu128

# ---- runtime: GPU -------------------------------------------------------------------------------
FROM ${CUDA_RUNTIME_IMAGE} AS runtime-gpu
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless libjemalloc2 \
 && rm -rf /var/lib/apt/lists/*
# DJL finds $DJL_CACHE_DIR/pytorch/2.7.1-cu128-linux-x86_64 and downloads nothing
ENV PYTORCH_FLAVOR=cu128
COPY --from=libtorch-gpu /djl /app/cache/djl

# ---- final ------------------------------------------------------------------------------------------
FROM runtime-${FLAVOR}
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin emotion
WORKDIR /app
COPY --from=build /src/target/lib /app/lib
COPY --from=build /src/target/emotion-stream-*.jar /app/lib/
COPY --from=build /src/.assets /app/assets
COPY --from=build /src/config /app/config
# bundled emotion models (float16 safetensors, ~22 MB each), found as models/NAME under EMOTION_STREAM_HOME
COPY models /app/models
# Heap: a quarter of the container's memory (1 GiB of the 4 GiB in k8s/). Most of a processor's memory
# is native (libtorch, OpenCV, Kafka buffers: about 1.5 GB measured); a 75% heap would let the JVM
# alone grow past the limit. The measured ceiling with a 1 GiB heap is 2.5 GB resident (README).
# libtorch frees and re-uses large buffers every batch: jemalloc keeps them in its ordinary arenas
# (oversize_threshold:0) and returns unused pages over 300 s from a background thread, so that resident
# memory follows the load instead of keeping every burst's peak (the launcher's setting for processing,
# README; the trainer in k8s/base/trainer.yaml sets the launcher's 60 s for training)
ENV LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \
    MALLOC_CONF=background_thread:true,dirty_decay_ms:300000,muzzy_decay_ms:0,oversize_threshold:0 \
    OMP_WAIT_POLICY=PASSIVE \
    EMOTION_STREAM_ASSETS=/app/assets \
    EMOTION_STREAM_HOME=/app \
    EMOTION_STREAM_OPS_BIND_ADDRESS=0.0.0.0 \
    DJL_CACHE_DIR=/app/cache/djl \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=25 -Dorg.bytedeco.javacpp.cachedir=/app/cache/javacpp"
# unpack the native libraries, convert face-api's weights (model.dir=faceapi-expression) and check that the
# default model loads, once, at build time. A docker build has no GPU driver, so the CUDA libtorch cannot
# load there: the gpu image does this at first start.
ARG FLAVOR
RUN mkdir -p /app/cache \
 && { { java -cp "/app/lib/*" io.emotionstream.cli.Main classify --model faceapi-expression /app/assets/npm/vladmandic_face-api-1.7.15/demo/sample1.jpg >/dev/null \
        && java -cp "/app/lib/*" io.emotionstream.cli.Main classify /app/assets/npm/vladmandic_face-api-1.7.15/demo/sample1.jpg >/dev/null; } \
      || [ "$FLAVOR" = gpu ]; } \
 && mkdir -p /app/state /models/store \
 && chown -R emotion /app/cache /app/assets /app/state /models
USER 10001
EXPOSE 9400
# the ops port: EMOTION_STREAM_OPS_PORT when set (set the port through it, not --set, for this check)
HEALTHCHECK --interval=15s --timeout=3s CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${EMOTION_STREAM_OPS_PORT:-9400} && printf 'GET /health/live HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '200 OK' <&3"]
ENTRYPOINT ["java", "-cp", "/app/lib/*", "io.emotionstream.cli.Main"]
CMD ["process"]
