/**
 * Image handling around the detector and classifiers: decoding encoded frames into OpenCV BGR
 * {@code Mat}s and cutting face crops (aligned by landmarks or square) as a {@link
 * io.emotionstream.frame.CropSpec} asks.
 */
package io.emotionstream.frame;
