/**
 * Anonymous face tracks per camera, in plain Java (no Kafka, no pixels): a
 * {@link io.emotionstream.track.CameraTracker} follows the boxes of one camera's faces from frame
 * to frame (constant-velocity Kalman filter per track, greedy overlap matching, hysteresis on
 * start and end), smooths each track's emotion scores over time and summarises a track when it
 * ends. A track id is random: nothing here describes or recognises a person. The state is a plain
 * {@link io.emotionstream.track.TrackerSnapshot}, so a Streams store can persist it and a restarted
 * processor continue the same tracks. {@link io.emotionstream.track.TrackSettings} reads the
 * {@code track.*} settings.
 */
package io.emotionstream.track;
