/**
 * Operations: the HTTP endpoints of a processor instance (Prometheus metrics, liveness and
 * readiness, interactive queries of the per-camera and per-zone emotion counts as they may be
 * published), the live dashboard, and the notice for the people the cameras film
 * ({@code /notice}, from the camera policies in force).
 */
package io.emotionstream.ops;
