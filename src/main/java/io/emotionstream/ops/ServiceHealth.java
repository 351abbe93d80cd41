package io.emotionstream.ops;

/**
 * The health of an instance that is not a processor (e.g. {@code ingest}), for
 * {@code /health/live} and {@code /health/ready}.
 *
 * @param live false only when restarting the process would help
 * @param ready whether the instance does its work now
 * @param detail why, in a sentence (shown by both endpoints and {@code /api/status})
 */
public record ServiceHealth(boolean live, boolean ready, String detail) {}
