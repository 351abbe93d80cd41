/**
 * Face detection: the {@link io.emotionstream.detect.FaceDetector} contract and an MTCNN
 * implementation (Zhang et al. 2016) whose three networks run as DJL blocks on the PyTorch engine,
 * with the original pretrained weights converted from TFLite on first use.
 */
package io.emotionstream.detect;
