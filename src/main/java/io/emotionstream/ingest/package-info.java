/**
 * The {@code ingest} service: reads a camera list, keeps one supervised connection per camera
 * (timeouts, reconnects with backoff, a state and the last error per camera), samples each camera's
 * newest frame at its target rate and sends it to the frames topic, never queueing old frames.
 *
 * <p>Public: {@link io.emotionstream.ingest.IngestService} (the running service),
 * {@link io.emotionstream.ingest.CameraList} and {@link io.emotionstream.ingest.CameraConfig} (the
 * camera list file), {@link io.emotionstream.ingest.CameraStatus} and
 * {@link io.emotionstream.ingest.CameraState} (what operators see). Everything else is internal.
 */
package io.emotionstream.ingest;
