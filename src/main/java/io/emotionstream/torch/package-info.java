/**
 * Process-wide settings of the native libtorch library that DJL loads, for the packages that run
 * networks on it (detection, emotion inference), with nothing of the project's own above it.
 */
package io.emotionstream.torch;
