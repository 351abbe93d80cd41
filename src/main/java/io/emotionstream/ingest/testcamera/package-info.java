/**
 * A test camera: an HTTP server serving numbered frames as MJPEG and JPEG snapshots, as IP cameras
 * do, for trying {@code ingest} without a camera ({@code emotion-stream test-camera}), for
 * {@code bench ingest} and for the tests, which can stall, kill and restart it.
 */
package io.emotionstream.ingest.testcamera;
