/**
 * Small summary statistics and the process's memory figures, shared by the benchmarks, the training
 * job and the tests, so that their figures are computed and read one way.
 */
package io.emotionstream.stats;
