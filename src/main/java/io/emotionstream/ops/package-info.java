/**
 * Operations: the HTTP endpoints of a processor instance (Prometheus metrics, liveness and
 * readiness, interactive queries of the per-camera emotion counts) and the live dashboard.
 */
package io.emotionstream.ops;
