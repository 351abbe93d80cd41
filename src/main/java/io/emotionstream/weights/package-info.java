/**
 * Readers for weight files published in other frameworks' formats (TFLite flatbuffers), so that the
 * project can convert pretrained networks into its own DJL weight files without those frameworks.
 */
package io.emotionstream.weights;
