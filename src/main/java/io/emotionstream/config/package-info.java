/**
 * Layered settings: bundled defaults, a properties file, {@code EMOTION_STREAM_*} environment
 * variables and command-line flags, each value remembering where it came from.
 */
package io.emotionstream.config;
