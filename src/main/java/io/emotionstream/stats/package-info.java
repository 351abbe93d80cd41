/** Small summary statistics shared by the benchmarks, the training job and the tests. */
package io.emotionstream.stats;
